#include "storage/rate_buckets.h"

#include <algorithm>
#include <cmath>

#include "storage/database.h"
#include "storage/sql.h"

namespace outreach::storage {

core::Result<RateGrant> RateBuckets::take(const std::string& key, double per_second, double burst, int want,
                                          core::TimePoint now) {
  RateGrant grant;
  grant.next_token = now;
  const std::int64_t now_ms = core::to_millis(now);
  auto st = db_.transaction([&]() -> core::Status {
    auto add = db_.cached("INSERT INTO rate_buckets(key, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING");
    add->bind(1, key);
    add->bind(2, burst);
    add->bind(3, now_ms);
    add->exec();
    // PostgreSQL: the row stays locked until this transaction ends, so engines take in turn.
    // SQLite: the write transaction already excludes every other writer.
    static constexpr Sql kRead{"SELECT tokens, updated_at FROM rate_buckets WHERE key = ?",
                               "SELECT tokens, updated_at FROM rate_buckets WHERE key = ? FOR UPDATE"};
    auto read = db_.cached(kRead);
    read->bind(1, key);
    if (!read->executeStep()) return core::Error::internal("rate bucket vanished", key);
    double tokens = read->getColumn(0).getDouble();
    const std::int64_t updated = read->getColumn(1).getInt64();
    const std::int64_t elapsed = std::max<std::int64_t>(0, now_ms - updated);
    tokens = std::min(burst, tokens + static_cast<double>(elapsed) * per_second / 1000.0);
    grant.taken = static_cast<int>(std::min<double>(want, std::floor(tokens)));
    tokens -= grant.taken;
    if (tokens < 1) {
      const auto wait_ms = static_cast<std::int64_t>(std::ceil((1 - tokens) * 1000.0 / per_second));
      grant.next_token = now + core::Millis(wait_ms);
    }
    auto up = db_.cached("UPDATE rate_buckets SET tokens = ?, updated_at = ? WHERE key = ?");
    up->bind(1, tokens);
    up->bind(2, std::max(updated, now_ms));
    up->bind(3, key);
    up->exec();
    return {};
  });
  if (!st) return st.error().within("rate limit " + key);
  return grant;
}

}  // namespace outreach::storage
