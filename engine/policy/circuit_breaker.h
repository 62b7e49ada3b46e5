#pragma once
// CircuitBreaker for one provider.
//
//   closed --(N consecutive failures, or failure ratio >= R over >= M results in the window)--> open
//   open --(cool_down elapsed)--> half_open: allow() grants exactly one probe
//   half_open --probe success--> closed;  half_open --probe failure--> open (cool_down again)
//
// Results recorded while open are ignored (they belong to requests sent before it opened).
// In half_open, the first result recorded after the probe was granted decides. A probe whose
// result never arrives is given up after probe_timeout; then allow() grants a new probe.
// Threading: not thread-safe; use on the engine thread.

#include <cstddef>
#include <deque>
#include <utility>

#include "core/clock.h"

namespace outreach::engine {

enum class CircuitState { closed, open, half_open };
const char* to_string(CircuitState s);

struct CircuitBreakerConfig {
  int failure_threshold = 5;  // consecutive failures that open the circuit; 0 disables
  core::Millis cool_down{std::chrono::seconds(30)};
  double failure_ratio = 0;   // e.g. 0.5; 0 disables the ratio rule
  std::size_t ratio_min_results = 20;
  core::Millis ratio_window{std::chrono::seconds(60)};
  core::Millis probe_timeout{std::chrono::seconds(60)};
};

class CircuitBreaker {
 public:
  explicit CircuitBreaker(CircuitBreakerConfig config = {});

  // May a request be sent now? In half_open, true exactly once per probe.
  bool allow(core::TimePoint now);
  void record_success(core::TimePoint now);
  void record_failure(core::TimePoint now);
  // open turns into half_open here once the cool-down has elapsed (no probe is granted).
  CircuitState state(core::TimePoint now);

  int consecutive_failures() const { return consecutive_failures_; }
  // When the circuit last opened (meaningful only in open/half_open).
  core::TimePoint opened_at() const { return opened_at_; }

 private:
  void open(core::TimePoint now);
  void close();
  void add_result(core::TimePoint now, bool failed);

  CircuitBreakerConfig config_;
  CircuitState state_ = CircuitState::closed;
  int consecutive_failures_ = 0;
  core::TimePoint opened_at_{};
  bool probe_in_flight_ = false;
  core::TimePoint probe_started_{};
  std::deque<std::pair<core::TimePoint, bool>> window_;  // (time, failed) while closed
  std::size_t window_failures_ = 0;
};

}  // namespace outreach::engine
