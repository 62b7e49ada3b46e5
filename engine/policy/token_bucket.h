#pragma once
// Token buckets for provider rate limits, and a RateLimiter that combines a channel bucket with a
// provider-account bucket (a send needs a token from each).
//
// Time comes from the caller (the engine's Clock), so tests drive it with ManualClock times.
// A time earlier than the last one seen is treated as the last one (no refill, no panic).
// Threading: not thread-safe; use on the engine thread.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace outreach::engine {

struct RateLimit {
  double per_second = 1;  // refill rate; > 0
  double burst = 1;       // bucket capacity; >= 1
};

class TokenBucket {
 public:
  // Starts full. Requires: limit.per_second > 0 and limit.burst >= 1.
  TokenBucket(RateLimit limit, core::TimePoint now);

  // Takes one token if one is available at `now`.
  bool try_take(core::TimePoint now);
  // True when a token is available at `now` (does not take it).
  bool can_take(core::TimePoint now);
  // The earliest time at or after `now` when try_take will succeed (`now` if it would now).
  core::TimePoint next_available(core::TimePoint now);
  // Tokens available at `now` (fractional).
  double tokens(core::TimePoint now);

  const RateLimit& limit() const { return limit_; }

 private:
  void refill(core::TimePoint now);

  RateLimit limit_;
  double tokens_;
  core::TimePoint last_;
};

// Buckets keyed by channel ("sms", "whatsapp", "email") and by provider account
// ("twilio:AC123", "smtp:mail.example.nl"). A key without a configured limit is unlimited.
// Example configuration: channel "sms" 10/s, account "whatsapp:meta-1" 80/s, "smtp:relay1" 20/s.
class RateLimiter {
 public:
  void set_channel_limit(std::string channel, RateLimit limit, core::TimePoint now);
  void set_account_limit(std::string account, RateLimit limit, core::TimePoint now);

  // Takes one token from the channel bucket and one from the account bucket, or none at all.
  bool try_acquire(std::string_view channel, std::string_view account, core::TimePoint now);
  // When try_acquire(channel, account, t) would first succeed (the later of the two buckets).
  core::TimePoint next_available(std::string_view channel, std::string_view account,
                                 core::TimePoint now);

 private:
  TokenBucket* find(std::map<std::string, TokenBucket, std::less<>>& buckets, std::string_view key);

  std::map<std::string, TokenBucket, std::less<>> channels_;
  std::map<std::string, TokenBucket, std::less<>> accounts_;
};

}  // namespace outreach::engine
