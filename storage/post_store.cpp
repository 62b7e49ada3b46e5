#include "storage/post_store.h"

#include <array>

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {

constexpr std::array<const char*, 5> kStatusNames = {"queued", "sending", "published", "failed", "unknown"};

int64_t ms(core::TimePoint t) { return static_cast<int64_t>(core::to_millis(t)); }

constexpr const char* kSelectRow =
    "SELECT id, campaign_id, campaign_version, post_key, channel, language, text, status, due_at, attempts, "
    "coalesce(provider_post_id, ''), coalesce(reason, ''), published_at FROM campaign_posts";

// "?, ?, ?" for an IN list of n values (n >= 1), bound from index `first` on.
std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}
void bind_all(Statement& st, int first, const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) st.bind(first + static_cast<int>(i), values[i]);
}

PostRow read_row(Statement& st) {
  PostRow r;
  r.id = st.getColumn(0).getInt64();
  r.campaign_id = st.getColumn(1).getInt64();
  r.campaign_version = st.getColumn(2).getInt();
  r.post_key = st.getColumn(3).getString();
  r.channel = st.getColumn(4).getString();
  r.language = st.getColumn(5).getString();
  r.text = st.getColumn(6).getString();
  r.status = parse_post_status(st.getColumn(7).getString()).value();
  r.due_at = core::from_millis(st.getColumn(8).getInt64());
  r.attempts = st.getColumn(9).getInt();
  r.provider_post_id = st.getColumn(10).getString();
  r.reason = st.getColumn(11).getString();
  if (auto p = optional_int64(st.getColumn(12))) r.published_at = core::from_millis(*p);
  return r;
}

}  // namespace

const char* to_string(PostStatus s) { return kStatusNames[static_cast<std::size_t>(s)]; }

core::Result<PostStatus> parse_post_status(const std::string& text) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (text == kStatusNames[i]) return static_cast<PostStatus>(i);
  }
  return core::Error::invalid("unknown post status '" + text + "' (queued, sending, published, failed, unknown)",
                              "status");
}

bool is_final(PostStatus s) { return s != PostStatus::queued && s != PostStatus::sending; }

core::Result<std::int64_t> PostStore::enqueue_launch(std::int64_t campaign_id, int campaign_version,
                                                     const std::vector<PostDraft>& drafts, core::TimePoint now) {
  std::int64_t added = 0;
  auto st = db_.transaction([&]() -> core::Status {
    Statement ins(db_,
                  "INSERT INTO campaign_posts(campaign_id, campaign_version, post_key, channel, "
                  "language, text, status, due_at, updated_at) VALUES(?, ?, ?, ?, ?, ?, 'queued', ?, ?) "
                  "ON CONFLICT DO NOTHING");
    for (const auto& d : drafts) {
      ins.bind(1, static_cast<int64_t>(campaign_id));
      ins.bind(2, campaign_version);
      ins.bind(3, d.post_key);
      ins.bind(4, d.channel);
      ins.bind(5, d.language);
      ins.bind(6, d.text);
      ins.bind(7, ms(d.due_at));
      ins.bind(8, ms(now));
      added += ins.exec();
      ins.reset();
    }
    return {};
  });
  if (!st) return st.error();
  return added;
}

core::Result<std::vector<PostRow>> PostStore::claim_due(core::TimePoint now, int limit, core::TimePoint lease_until,
                                                       const std::vector<std::string>& channels) {
  std::vector<PostRow> out;
  if (limit <= 0 || channels.empty()) return out;  // SQLite reads LIMIT -1 as "no limit"
  auto st = db_.transaction([&]() -> core::Status {
    Statement sel(db_, std::string(kSelectRow) +
                           " WHERE status = 'queued' AND due_at <= ? AND channel IN (" +
                           placeholders(channels.size()) +
                           ") AND campaign_id IN (SELECT id FROM campaigns WHERE state = 'running') "
                           "ORDER BY due_at, id LIMIT ?" +
                           // Engines sharing a PostgreSQL database pass over rows another is claiming.
                           (db_.dialect() == Dialect::postgres ? " FOR UPDATE SKIP LOCKED" : ""));
    sel.bind(1, ms(now));
    bind_all(sel, 2, channels);
    sel.bind(2 + static_cast<int>(channels.size()), limit);
    while (sel.executeStep()) out.push_back(read_row(sel));
    Statement up(db_,
                 "UPDATE campaign_posts SET status = 'sending', lease_until = ?, updated_at = ? WHERE id = ?");
    for (auto& p : out) {
      up.bind(1, ms(lease_until));
      up.bind(2, ms(now));
      up.bind(3, static_cast<int64_t>(p.id));
      up.exec();
      up.reset();
      p.status = PostStatus::sending;
    }
    return {};
  });
  if (!st) return st.error();
  return out;
}

std::optional<core::TimePoint> PostStore::next_due(const std::vector<std::string>& channels) const {
  if (channels.empty()) return std::nullopt;
  Statement st(db_,
               "SELECT min(due_at) FROM campaign_posts WHERE status = 'queued' AND channel IN (" +
                           placeholders(channels.size()) +
                           ") AND campaign_id IN (SELECT id FROM campaigns WHERE state = 'running')");
  bind_all(st, 1, channels);
  if (!st.executeStep() || st.getColumn(0).isNull()) return std::nullopt;
  return core::from_millis(st.getColumn(0).getInt64());
}

core::Result<bool> PostStore::record(const PostOutcome& o, core::TimePoint now) {
  bool changed = false;
  auto st = db_.transaction([&]() -> core::Status {
    const char* status = to_string(o.status);
    Statement up(db_,
                 "UPDATE campaign_posts SET status = ?1, attempts = ?2, provider_post_id = ?3, reason = ?4, "
                 "due_at = coalesce(?5, due_at), lease_until = NULL, "
                 "published_at = CASE WHEN ?1 = 'published' THEN ?6 ELSE published_at END, updated_at = ?6 "
                 "WHERE id = ?7 AND (status = 'sending' OR (status = 'unknown' AND ?1 = 'published'))");
    up.bind(1, status);
    up.bind(2, o.attempts);
    bind_text_or_null(up, 3, o.provider_post_id);
    bind_text_or_null(up, 4, o.reason);
    if (o.retry_at) up.bind(5, ms(*o.retry_at)); else up.bind(5);
    up.bind(6, ms(now));
    up.bind(7, static_cast<int64_t>(o.id));
    changed = up.exec() > 0;
    return {};
  });
  if (!st) return st.error();
  return changed;
}

core::Result<std::int64_t> PostStore::expire_leases(core::TimePoint now) {
  std::int64_t n = 0;
  auto st = db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE campaign_posts SET status = 'unknown', reason = 'lease expired while publishing', "
                 "lease_until = NULL, updated_at = ? WHERE status = 'sending' AND lease_until < ?");
    up.bind(1, ms(now));
    up.bind(2, ms(now));
    n = up.exec();
    return {};
  });
  if (!st) return st.error();
  return n;
}

core::Result<std::int64_t> PostStore::redrive(std::int64_t campaign_id, const std::string& post_key,
                                             core::TimePoint now) {
  try {
    Statement up(db_,
                 "UPDATE campaign_posts SET status = 'queued', due_at = ?1, reason = 'redriven by operator', "
                 "updated_at = ?1 WHERE status = 'unknown' AND campaign_id = ?2 AND (?3 = '' OR post_key = ?3)");
    up.bind(1, ms(now));
    up.bind(2, static_cast<int64_t>(campaign_id));
    up.bind(3, post_key);
    return static_cast<std::int64_t>(up.exec());
  } catch (const SqlError& e) {
    return storage_error(e, "PostStore::redrive");
  }
}

std::vector<PostRow> PostStore::list(std::optional<std::int64_t> campaign_id) const {
  Statement st(db_, std::string(kSelectRow) + " WHERE (?1 IS NULL OR campaign_id = ?1) ORDER BY id");
  if (campaign_id) st.bind(1, static_cast<int64_t>(*campaign_id)); else st.bind(1);
  std::vector<PostRow> out;
  while (st.executeStep()) out.push_back(read_row(st));
  return out;
}

core::Result<PostRow> PostStore::get(std::int64_t id) const {
  Statement st(db_, std::string(kSelectRow) + " WHERE id = ?");
  st.bind(1, static_cast<int64_t>(id));
  if (!st.executeStep()) return core::Error::not_found("no post with id " + std::to_string(id));
  return read_row(st);
}

}  // namespace outreach::storage
