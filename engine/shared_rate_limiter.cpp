#include "engine/shared_rate_limiter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace outreach::engine {

bool SharedRateLimiter::take(const std::string& key, core::TimePoint now) {
  auto limit = limits_.find(key);
  if (limit == limits_.end()) return true;  // unlimited
  Stash& s = stash_[key];
  if (s.tokens > 0 && now < s.until) {
    --s.tokens;
    return true;
  }
  if (now < s.next_token) return false;  // the bucket said when: no need to ask before
  const int want = std::clamp(static_cast<int>(std::ceil(limit->second.per_second / 10)), 1,
                              std::max(1, static_cast<int>(limit->second.burst)));
  auto grant = buckets_.take(key, limit->second.per_second, limit->second.burst, want, now);
  if (!grant) {
    spdlog::error("shared rate limit: {}", grant.error().what());
    s = Stash{0, now, now + core::Millis(1000)};
    return false;
  }
  s.next_token = grant->next_token;
  if (grant->taken == 0) {
    s.tokens = 0;
    return false;
  }
  s.tokens = grant->taken - 1;
  s.until = now + kStashLife;
  return true;
}

void SharedRateLimiter::give_back(const std::string& key) {
  if (auto s = stash_.find(key); s != stash_.end() && limits_.count(key) > 0) ++s->second.tokens;
}

bool SharedRateLimiter::try_acquire(std::string_view channel, std::string_view account, core::TimePoint now) {
  const std::string channel_key = "channel:" + std::string(channel);
  if (!take(channel_key, now)) return false;
  if (!take("account:" + std::string(account), now)) {
    give_back(channel_key);  // kept for the next send through this channel, until its stash ends
    return false;
  }
  return true;
}

core::TimePoint SharedRateLimiter::next_available(std::string_view channel, std::string_view account,
                                                  core::TimePoint now) const {
  core::TimePoint at = now;
  for (const std::string& key : {"channel:" + std::string(channel), "account:" + std::string(account)}) {
    if (auto s = stash_.find(key); s != stash_.end() && s->second.tokens == 0) at = std::max(at, s->second.next_token);
  }
  return at;
}

}  // namespace outreach::engine
