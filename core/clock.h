#pragma once
// Time as the rest of the system sees it. Nothing reads the system clock directly: components take a
// Clock&, so tests and the demo can use ManualClock and let days pass in milliseconds.

#include <chrono>
#include <cstdint>
#include <string>

namespace outreach::core {

using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::time_point<std::chrono::system_clock, Millis>;

// Milliseconds since the Unix epoch: the representation stored in SQLite.
inline std::int64_t to_millis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_millis(std::int64_t ms) { return TimePoint(Millis(ms)); }

// "2026-11-22T20:41:39.000Z"
std::string format_utc(TimePoint t);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.mmm]]Z" (UTC). Returns false on anything else.
bool parse_utc(const std::string& text, TimePoint& out);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  }
};

// A clock that moves only when told to. Not thread-safe: use from one thread.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start) {}
  TimePoint now() const override { return now_; }
  void set(TimePoint t) { now_ = t; }
  void advance(Millis d) { now_ += d; }

 private:
  TimePoint now_;
};

}  // namespace outreach::core
