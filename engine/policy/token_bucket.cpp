#include "engine/policy/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace outreach::engine {

TokenBucket::TokenBucket(RateLimit limit, core::TimePoint now)
    : limit_(limit), tokens_(limit.burst), last_(now) {
  if (!(limit_.per_second > 0)) limit_.per_second = 1e-9;
  if (limit_.burst < 1) limit_.burst = 1;
  tokens_ = limit_.burst;
}

void TokenBucket::refill(core::TimePoint now) {
  if (now <= last_) return;
  const double elapsed_s = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(limit_.burst, tokens_ + elapsed_s * limit_.per_second);
  last_ = now;
}

double TokenBucket::tokens(core::TimePoint now) {
  refill(now);
  return tokens_;
}

bool TokenBucket::can_take(core::TimePoint now) {
  refill(now);
  // A tiny epsilon absorbs floating-point dust (10 x 0.1 s at 10/s must give a whole token).
  return tokens_ >= 1.0 - 1e-9;
}

bool TokenBucket::try_take(core::TimePoint now) {
  if (!can_take(now)) return false;
  tokens_ = std::max(0.0, tokens_ - 1.0);
  return true;
}

core::TimePoint TokenBucket::next_available(core::TimePoint now) {
  if (can_take(now)) return std::max(now, last_);
  const double missing_s = (1.0 - tokens_) / limit_.per_second;
  const auto wait = core::Millis(static_cast<long long>(std::ceil(missing_s * 1000.0 - 1e-6)));
  return std::max(now, last_) + wait;
}

void RateLimiter::set_channel_limit(std::string channel, RateLimit limit, core::TimePoint now) {
  channels_.insert_or_assign(std::move(channel), TokenBucket(limit, now));
}

void RateLimiter::set_account_limit(std::string account, RateLimit limit, core::TimePoint now) {
  accounts_.insert_or_assign(std::move(account), TokenBucket(limit, now));
}

TokenBucket* RateLimiter::find(std::map<std::string, TokenBucket, std::less<>>& buckets,
                               std::string_view key) {
  auto it = buckets.find(key);
  return it == buckets.end() ? nullptr : &it->second;
}

bool RateLimiter::try_acquire(std::string_view channel, std::string_view account,
                              core::TimePoint now) {
  TokenBucket* c = find(channels_, channel);
  TokenBucket* a = find(accounts_, account);
  if ((c && !c->can_take(now)) || (a && !a->can_take(now))) return false;
  if (c) c->try_take(now);
  if (a) a->try_take(now);
  return true;
}

core::TimePoint RateLimiter::next_available(std::string_view channel, std::string_view account,
                                            core::TimePoint now) {
  core::TimePoint t = now;
  if (TokenBucket* c = find(channels_, channel)) t = std::max(t, c->next_available(now));
  if (TokenBucket* a = find(accounts_, account)) t = std::max(t, a->next_available(now));
  return t;
}

}  // namespace outreach::engine
