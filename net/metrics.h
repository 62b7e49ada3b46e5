#pragma once
// A small metrics registry rendered in the Prometheus text exposition format 0.0.4.
//
// Families are registered by name with HELP text and a type; each distinct label set is one series.
// counter()/gauge()/histogram() return a reference that stays valid for the registry's lifetime,
// so hot paths look a series up once and keep the reference. Registering a name again with the same
// type returns the existing family; with another type or invalid names it throws std::logic_error
// (a programming error, not input).
// No globals: the engine owns one registry. Threading: safe from any thread (serve counts requests
// on its reader threads and renders there): lookups and render() take the registry's lock, counter
// and gauge values are atomic, a histogram has its own lock.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace outreach::net {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(double by = 1) {
    if (by > 0) value_.fetch_add(by, std::memory_order_relaxed);
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void inc(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  void dec(double by = 1) { value_.fetch_sub(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // Requires: bounds sorted ascending (the registry sorts and de-duplicates them).
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Non-cumulative count per bound; the last element is the +Inf overflow. A copy, taken under the
  // histogram's lock, like sum() and count().
  std::vector<std::uint64_t> counts() const;
  double sum() const;
  std::uint64_t count() const;

 private:
  friend class MetricsRegistry;  // render() reads all fields under one lock
  mutable std::mutex mutex_;
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Counter names should end in "_total" (Prometheus convention; not enforced).
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  // `bounds` are the upper bounds (le) of the buckets; +Inf is implicit. The first registration of
  // a name fixes its bounds.
  Histogram& histogram(const std::string& name, const std::string& help,
                       std::vector<double> bounds, const Labels& labels = {});

  // Families sorted by name, series in registration order.
  std::string render() const;

  // Default latency buckets in seconds (5 ms .. 10 s).
  static std::vector<double> latency_buckets();

 private:
  struct Family;
  Family& family(const std::string& name, const std::string& help, int type);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>> families_;  // GUARDED_BY(mutex_)
};

// Exposed for tests: label value escaping (\\, \", \n) and HELP escaping (\\, \n).
std::string escape_label_value(const std::string& v);
std::string escape_help(const std::string& v);
// Prometheus number formatting: "+Inf", "-Inf", "NaN", integers without exponent, else %.17g.
std::string format_metric_value(double v);

}  // namespace outreach::net
