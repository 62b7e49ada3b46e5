#pragma once
// Token buckets kept in the database, so that engines sharing one (PostgreSQL) enforce a channel's
// or an account's rate together instead of each at the full rate. A bucket row holds its tokens as
// of updated_at; each take refills it at the caller's rate (from the configuration, the same on
// every engine), up to the burst, and takes whole tokens, under the row's lock. A bucket starts
// full, as engine/policy/token_bucket.h does.
//
// Engines take a few tokens at a time (engine/shared_rate_limiter.h) and use them locally, so the
// database sees one take per small batch of sends, not one per send.
// Use the store on a connection that is not inside a long transaction: the row stays locked until
// that transaction ends, and every other engine's take waits for it.

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct RateGrant {
  int taken = 0;                // whole tokens taken, 0..want
  core::TimePoint next_token{};  // when the bucket holds a whole token again (now when it does)
};

class RateBuckets {
 public:
  explicit RateBuckets(Database& db) : db_(db) {}

  // Takes up to `want` tokens from bucket `key` at `now`. Requires per_second > 0, burst >= 1.
  // A `now` earlier than the bucket's last update (another engine's clock ahead) refills nothing.
  core::Result<RateGrant> take(const std::string& key, double per_second, double burst, int want, core::TimePoint now);

 private:
  Database& db_;
};

}  // namespace outreach::storage
