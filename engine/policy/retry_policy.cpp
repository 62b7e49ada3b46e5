#include "engine/policy/retry_policy.h"

#include <algorithm>
#include <memory>
#include <random>

namespace outreach::engine {

RetryPolicy::RetryPolicy(RetryConfig config, std::function<double()> uniform01)
    : config_(config), uniform01_(std::move(uniform01)) {}

RetryPolicy::RetryPolicy(RetryConfig config, std::uint64_t seed) : config_(config) {
  auto engine = std::make_shared<std::mt19937_64>(seed);
  uniform01_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

core::Millis RetryPolicy::ceiling(int attempt) const {
  const long long base = std::max<long long>(0, config_.base.count());
  const long long cap = std::max<long long>(0, config_.cap.count());
  long long value = base;
  for (int i = 1; i < attempt && value < cap; ++i) value *= 2;  // no overflow: stops at cap
  return core::Millis(std::min(value, cap));
}

std::optional<core::Millis> RetryPolicy::next_delay(int attempt,
                                                    std::optional<core::Millis> retry_after) {
  if (attempt < 1) attempt = 1;
  if (attempt >= config_.max_attempts) return std::nullopt;
  double u = uniform01_ ? uniform01_() : 0.0;
  u = std::clamp(u, 0.0, 1.0);
  const auto ceil = ceiling(attempt);
  auto delay = core::Millis(static_cast<long long>(u * static_cast<double>(ceil.count())));
  if (delay > ceil) delay = ceil;
  if (retry_after && *retry_after > delay) delay = *retry_after;
  return delay;
}

}  // namespace outreach::engine
