#include "net/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace outreach::net {
namespace {

enum Type { kCounter = 0, kGauge = 1, kHistogram = 2 };
const char* type_name(int t) {
  switch (t) {
    case kCounter: return "counter";
    case kGauge: return "gauge";
    default: return "histogram";
  }
}

bool valid_name(const std::string& name, bool label) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                       (!label && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return !(label && name.rfind("__", 0) == 0);
}

std::string label_key(const Labels& labels) {
  std::string key;
  for (const auto& [k, v] : labels) {
    key += k;
    key += '\x1f';
    key += v;
    key += '\x1e';
  }
  return key;
}

std::string render_labels(const Labels& labels, const std::string& extra_name = {},
                          const std::string& extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + escape_label_value(v) + "\"";
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name + "=\"" + extra_value + "\"";
  }
  out += '}';
  return out;
}

}  // namespace

std::string escape_label_value(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escape_help(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
    // Prefer the shortest representation that round-trips.
    for (int precision = 1; precision <= 17; ++precision) {
      char shorter[64];
      std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
      if (std::strtod(shorter, nullptr) == v) {
        return shorter;
      }
    }
  }
  return buf;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double v) {
  std::lock_guard lock(mutex_);
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);  // first bound >= v (le)
  ++counts_[static_cast<std::size_t>(it - bounds_.begin())];
  sum_ += v;
  ++count_;
}

std::vector<std::uint64_t> Histogram::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

double Histogram::sum() const {
  std::lock_guard lock(mutex_);
  return sum_;
}

std::uint64_t Histogram::count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

struct MetricsRegistry::Family {
  std::string name;
  std::string help;
  int type = kCounter;
  std::vector<double> bounds;
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  std::vector<std::unique_ptr<Series>> series;
  std::map<std::string, Series*> by_labels;

  Series& get(const Labels& labels) {
    const std::string key = label_key(labels);
    if (auto it = by_labels.find(key); it != by_labels.end()) return *it->second;
    for (const auto& [k, v] : labels) {
      if (!valid_name(k, true) || (type == kHistogram && k == "le")) {
        throw std::logic_error("metrics: invalid label name '" + k + "' on " + name);
      }
    }
    auto s = std::make_unique<Series>();
    s->labels = labels;
    if (type == kCounter) s->counter = std::make_unique<Counter>();
    if (type == kGauge) s->gauge = std::make_unique<Gauge>();
    if (type == kHistogram) s->histogram = std::make_unique<Histogram>(bounds);
    Series& ref = *s;
    series.push_back(std::move(s));
    by_labels.emplace(key, &ref);
    return ref;
  }
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help,
                                                 int type) {
  if (!valid_name(name, false)) throw std::logic_error("metrics: invalid metric name '" + name + "'");
  auto it = families_.find(name);
  if (it != families_.end()) {
    if (it->second->type != type) {
      throw std::logic_error("metrics: '" + name + "' already registered as " +
                             type_name(it->second->type));
    }
    return *it->second;
  }
  auto f = std::make_unique<Family>();
  f->name = name;
  f->help = help;
  f->type = type;
  return *families_.emplace(name, std::move(f)).first->second;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  const Labels& labels) {
  std::lock_guard lock(mutex_);
  return *family(name, help, kCounter).get(labels).counter;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                              const Labels& labels) {
  std::lock_guard lock(mutex_);
  return *family(name, help, kGauge).get(labels).gauge;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      std::vector<double> bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  const bool is_new = families_.find(name) == families_.end();
  Family& f = family(name, help, kHistogram);
  if (is_new) {
    std::sort(bounds.begin(), bounds.end());
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
    bounds.erase(std::remove_if(bounds.begin(), bounds.end(),
                                [](double b) { return std::isnan(b) || std::isinf(b); }),
                 bounds.end());
    f.bounds = std::move(bounds);
  }
  return *f.get(labels).histogram;
}

std::vector<double> MetricsRegistry::latency_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + escape_help(f->help) + "\n";
    out += "# TYPE " + name + " " + type_name(f->type) + "\n";
    for (const auto& s : f->series) {
      if (f->type == kCounter) {
        out += name + render_labels(s->labels) + " " + format_metric_value(s->counter->value()) + "\n";
      } else if (f->type == kGauge) {
        out += name + render_labels(s->labels) + " " + format_metric_value(s->gauge->value()) + "\n";
      } else {
        const Histogram& h = *s->histogram;
        std::lock_guard hlock(h.mutex_);
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < h.bounds_.size(); ++i) {
          cumulative += h.counts_[i];
          out += name + "_bucket" + render_labels(s->labels, "le", format_metric_value(h.bounds_[i])) +
                 " " + std::to_string(cumulative) + "\n";
        }
        out += name + "_bucket" + render_labels(s->labels, "le", "+Inf") + " " +
               std::to_string(h.count_) + "\n";
        out += name + "_sum" + render_labels(s->labels) + " " + format_metric_value(h.sum_) + "\n";
        out += name + "_count" + render_labels(s->labels) + " " + std::to_string(h.count_) + "\n";
      }
    }
  }
  return out;
}

}  // namespace outreach::net
