#include "engine/policy/circuit_breaker.h"

namespace outreach::engine {

const char* to_string(CircuitState s) {
  switch (s) {
    case CircuitState::closed: return "closed";
    case CircuitState::open: return "open";
    case CircuitState::half_open: return "half_open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(CircuitBreakerConfig config) : config_(config) {}

CircuitState CircuitBreaker::state(core::TimePoint now) {
  if (state_ == CircuitState::open && now >= opened_at_ + config_.cool_down) {
    state_ = CircuitState::half_open;
    probe_in_flight_ = false;
  }
  return state_;
}

bool CircuitBreaker::allow(core::TimePoint now) {
  switch (state(now)) {
    case CircuitState::closed: return true;
    case CircuitState::open: return false;
    case CircuitState::half_open:
      if (probe_in_flight_ && now < probe_started_ + config_.probe_timeout) return false;
      probe_in_flight_ = true;
      probe_started_ = now;
      return true;
  }
  return false;
}

void CircuitBreaker::record_success(core::TimePoint now) {
  switch (state(now)) {
    case CircuitState::closed:
      consecutive_failures_ = 0;
      add_result(now, false);
      return;
    case CircuitState::open: return;
    case CircuitState::half_open:
      if (probe_in_flight_) close();
      return;
  }
}

void CircuitBreaker::record_failure(core::TimePoint now) {
  switch (state(now)) {
    case CircuitState::closed: {
      ++consecutive_failures_;
      add_result(now, true);
      const bool by_count =
          config_.failure_threshold > 0 && consecutive_failures_ >= config_.failure_threshold;
      const bool by_ratio = config_.failure_ratio > 0 && window_.size() >= config_.ratio_min_results &&
                            static_cast<double>(window_failures_) >=
                                config_.failure_ratio * static_cast<double>(window_.size());
      if (by_count || by_ratio) open(now);
      return;
    }
    case CircuitState::open: return;
    case CircuitState::half_open:
      if (probe_in_flight_) open(now);
      return;
  }
}

void CircuitBreaker::add_result(core::TimePoint now, bool failed) {
  if (config_.failure_ratio <= 0) return;
  window_.emplace_back(now, failed);
  if (failed) ++window_failures_;
  while (!window_.empty() && window_.front().first + config_.ratio_window <= now) {
    if (window_.front().second) --window_failures_;
    window_.pop_front();
  }
}

void CircuitBreaker::open(core::TimePoint now) {
  state_ = CircuitState::open;
  opened_at_ = now;
  probe_in_flight_ = false;
  window_.clear();
  window_failures_ = 0;
}

void CircuitBreaker::close() {
  state_ = CircuitState::closed;
  consecutive_failures_ = 0;
  probe_in_flight_ = false;
  window_.clear();
  window_failures_ = 0;
}

}  // namespace outreach::engine
