#pragma once
// The dispatcher's rate limits when engines share one database (PostgreSQL): the same interface as
// RateLimiter (engine/policy/token_bucket.h), but the buckets live in the database
// (storage/rate_buckets.h), so the engines together keep to a channel's and an account's rate.
//
// Each engine takes a few tokens at a time (a tenth of a second's worth, at least one) and spends
// them locally; what it has not spent within kStashLife is dropped, never handed back, so the
// engines together never send more than the buckets allowed, and a stalled engine's tokens do not
// come back later as a burst. A key without a configured limit is unlimited.
// Use on the engine's thread; `db` should be a connection of its own (see rate_buckets.h).

#include <map>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "engine/policy/token_bucket.h"
#include "storage/rate_buckets.h"

namespace outreach::engine {

class SharedRateLimiter {
 public:
  static constexpr core::Millis kStashLife{1000};

  explicit SharedRateLimiter(storage::Database& db) : buckets_(db) {}

  void set_channel_limit(const std::string& channel, RateLimit limit) { limits_["channel:" + channel] = limit; }
  void set_account_limit(const std::string& account, RateLimit limit) { limits_["account:" + account] = limit; }

  // One token of the channel's bucket and one of the account's, or none. A database error denies
  // (and is logged): a send waits rather than exceed the rate.
  bool try_acquire(std::string_view channel, std::string_view account, core::TimePoint now);
  // When try_acquire may next succeed, as the buckets said when they last refused.
  core::TimePoint next_available(std::string_view channel, std::string_view account, core::TimePoint now) const;

 private:
  struct Stash {
    int tokens = 0;
    core::TimePoint until{};
    core::TimePoint next_token{};  // from the bucket's last refusal
  };
  bool take(const std::string& key, core::TimePoint now);
  void give_back(const std::string& key);

  storage::RateBuckets buckets_;
  std::map<std::string, RateLimit, std::less<>> limits_;
  std::map<std::string, Stash, std::less<>> stash_;
};

}  // namespace outreach::engine
