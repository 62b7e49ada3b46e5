#pragma once
// RetryPolicy: exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff
// And Jitter"): delay = uniform(0, min(cap, base * 2^(attempt-1))). A provider's Retry-After wins
// when it is longer. The random source is injected so tests are deterministic.
// Threading: not thread-safe (the random source has state); use on the engine thread.

#include <cstdint>
#include <functional>
#include <optional>

#include "core/clock.h"

namespace outreach::engine {

struct RetryConfig {
  core::Millis base{1000};
  core::Millis cap{std::chrono::minutes(15)};
  int max_attempts = 5;  // total attempts including the first one
};

class RetryPolicy {
 public:
  // `uniform01` returns values in [0, 1).
  RetryPolicy(RetryConfig config, std::function<double()> uniform01);
  // Uses a std::mt19937_64 seeded with `seed`.
  RetryPolicy(RetryConfig config, std::uint64_t seed);

  // Delay before the next attempt, after `attempt` attempts have failed (attempt >= 1), or
  // nullopt when attempt >= max_attempts. With Retry-After, the result is max(jitter, retry_after).
  std::optional<core::Millis> next_delay(int attempt, std::optional<core::Millis> retry_after = {});

  // The upper bound of the jittered delay for `attempt`: min(cap, base * 2^(attempt-1)).
  core::Millis ceiling(int attempt) const;

  const RetryConfig& config() const { return config_; }

 private:
  RetryConfig config_;
  std::function<double()> uniform01_;
};

}  // namespace outreach::engine
