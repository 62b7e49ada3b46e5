#include "storage/followup_store.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {

int64_t ms(core::TimePoint t) { return static_cast<int64_t>(core::to_millis(t)); }

constexpr const char* kSelect =
    "SELECT id, case_id, contact_id, municipality_code, reason, status, coalesce(skip_reason, ''), "
    "coalesce(channel, ''), coalesce(provider_id, ''), coalesce(delivery, ''), coalesce(delivery_reason, ''), "
    "attempts, due_at, created_at, sent_at, answered_at, score, coalesce(comment, ''), reopened_at FROM followups";

Followup read(Statement& st) {
  Followup f;
  f.id = st.getColumn(0).getInt64();
  f.case_id = st.getColumn(1).getInt64();
  f.contact_id = st.getColumn(2).getInt64();
  f.municipality = st.getColumn(3).getString();
  f.reason = st.getColumn(4).getString();
  f.status = st.getColumn(5).getString();
  f.skip_reason = st.getColumn(6).getString();
  f.channel = st.getColumn(7).getString();
  f.provider_id = st.getColumn(8).getString();
  f.delivery = st.getColumn(9).getString();
  f.delivery_reason = st.getColumn(10).getString();
  f.attempts = st.getColumn(11).getInt();
  f.due_at = core::from_millis(st.getColumn(12).getInt64());
  f.created_at = core::from_millis(st.getColumn(13).getInt64());
  if (auto v = optional_int64(st.getColumn(14))) f.sent_at = core::from_millis(*v);
  if (auto v = optional_int64(st.getColumn(15))) f.answered_at = core::from_millis(*v);
  if (auto v = optional_int64(st.getColumn(16))) f.score = static_cast<int>(*v);
  f.comment = st.getColumn(17).getString();
  if (auto v = optional_int64(st.getColumn(18))) f.reopened_at = core::from_millis(*v);
  return f;
}

// Runs one UPDATE; conflict naming `what` when it changed no row.
core::Status update_one(Database& db, Statement& st, std::int64_t id, const char* what) {
  if (st.exec() == 0) {
    return core::Error::conflict("follow-up " + std::to_string(id) + " cannot be " + what + " now");
  }
  (void)db;
  return {};
}

}  // namespace

core::Result<std::optional<std::int64_t>> FollowupStore::schedule(std::int64_t case_id, std::int64_t contact_id,
                                                                  const std::string& municipality,
                                                                  const std::string& reason, core::TimePoint due_at,
                                                                  core::TimePoint now) {
  if (reason != "closed" && reason != "stalled") {
    return core::Error::invalid("'" + reason + "' is not a follow-up reason (closed, stalled)", "reason");
  }
  std::optional<std::int64_t> id;
  auto st = db_.transaction([&]() -> core::Status {
    Statement ins(db_,
                  "INSERT INTO followups(case_id, contact_id, municipality_code, reason, status, "
                  "due_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING RETURNING id");
    ins.bind(1, static_cast<int64_t>(case_id));
    ins.bind(2, static_cast<int64_t>(contact_id));
    ins.bind(3, municipality);
    ins.bind(4, reason);
    ins.bind(5, ms(due_at));
    ins.bind(6, ms(now));
    id = inserted_id(ins);
    return {};
  });
  if (!st) return st.error();
  return id;
}

std::vector<Followup> FollowupStore::due(core::TimePoint now, int limit) const {
  Statement st(db_, std::string(kSelect) +
                        " WHERE status = 'pending' AND delivery IS NULL AND due_at <= ? "
                        "ORDER BY due_at, id LIMIT ?");
  st.bind(1, ms(now));
  st.bind(2, limit);
  std::vector<Followup> out;
  while (st.executeStep()) out.push_back(read(st));
  return out;
}

std::optional<core::TimePoint> FollowupStore::next_due() const {
  Statement st(db_, "SELECT min(due_at) FROM followups WHERE status = 'pending' AND delivery IS NULL");
  if (st.executeStep() && !st.getColumn(0).isNull()) return core::from_millis(st.getColumn(0).getInt64());
  return std::nullopt;
}

core::Result<bool> FollowupStore::mark_sending(std::int64_t id, const std::string& channel,
                                               core::TimePoint lease_until, core::TimePoint now) {
  bool claimed = false;
  auto st = db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE followups SET delivery = 'sending', channel = ?, lease_until = ?, "
                 "attempts = attempts + 1, delivery_reason = NULL "
                 "WHERE id = ? AND status = 'pending' AND delivery IS NULL AND due_at <= ?");
    up.bind(1, channel);
    up.bind(2, ms(lease_until));
    up.bind(3, static_cast<int64_t>(id));
    up.bind(4, ms(now));
    claimed = up.exec() > 0;
    return {};
  });
  if (!st) return st.error();
  return claimed;
}

core::Status FollowupStore::mark_sent(std::int64_t id, const std::string& provider_id, core::TimePoint at) {
  return db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE followups SET status = 'sent', delivery = NULL, lease_until = NULL, provider_id = ?, "
                 "sent_at = ? WHERE id = ? AND status = 'pending' AND delivery = 'sending'");
    bind_text_or_null(up, 1, provider_id);
    up.bind(2, ms(at));
    up.bind(3, static_cast<int64_t>(id));
    return update_one(db_, up, id, "marked sent");
  });
}

core::Status FollowupStore::defer(std::int64_t id, core::TimePoint due_at, const std::string& reason) {
  return db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE followups SET delivery = NULL, lease_until = NULL, due_at = ?, delivery_reason = ? "
                 "WHERE id = ? AND status = 'pending' AND (delivery IS NULL OR delivery = 'sending')");
    up.bind(1, ms(due_at));
    bind_text_or_null(up, 2, reason);
    up.bind(3, static_cast<int64_t>(id));
    return update_one(db_, up, id, "deferred");
  });
}

core::Status FollowupStore::mark_unknown(std::int64_t id, const std::string& reason) {
  return db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE followups SET delivery = 'unknown', lease_until = NULL, delivery_reason = ? "
                 "WHERE id = ? AND status = 'pending' AND delivery = 'sending'");
    up.bind(1, reason);
    up.bind(2, static_cast<int64_t>(id));
    return update_one(db_, up, id, "marked unknown");
  });
}

core::Status FollowupStore::mark_skipped(std::int64_t id, const std::string& reason) {
  return db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE followups SET status = 'skipped', skip_reason = ?, delivery = NULL, lease_until = NULL "
                 "WHERE id = ? AND status = 'pending' AND (delivery IS NULL OR delivery = 'sending')");
    up.bind(1, reason);
    up.bind(2, static_cast<int64_t>(id));
    return update_one(db_, up, id, "skipped");
  });
}

core::Result<std::int64_t> FollowupStore::expire_leases(core::TimePoint now) {
  std::int64_t n = 0;
  auto st = db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE followups SET delivery = 'unknown', lease_until = NULL, "
                 "delivery_reason = 'lease expired while sending' "
                 "WHERE status = 'pending' AND delivery = 'sending' AND lease_until < ?");
    up.bind(1, ms(now));
    n = up.exec();
    return {};
  });
  if (!st) return st.error();
  return n;
}

std::optional<Followup> FollowupStore::awaiting_answer(std::int64_t contact_id, core::TimePoint since) const {
  // Asked for every inbound reply, on the engine's thread: prepared once per connection.
  auto st = db_.cached(std::string(kSelect) +
                       " WHERE contact_id = ? AND (status = 'sent' AND sent_at >= ? "
                       "OR status = 'pending' AND delivery = 'unknown') ORDER BY id DESC LIMIT 1");
  st->bind(1, static_cast<int64_t>(contact_id));
  st->bind(2, ms(since));
  if (!st->executeStep()) return std::nullopt;
  return read(*st);
}

core::Status FollowupStore::record_answer(std::int64_t id, std::optional<int> score, const std::string& comment,
                                          core::TimePoint at) {
  if (score && (*score < 1 || *score > 5)) return core::Error::invalid("a score is 1 to 5", "score");
  return db_.transaction([&]() -> core::Status {
    // An answer to a send in doubt proves it arrived: it counts as sent, at the latest when answered.
    Statement up(db_,
                 "UPDATE followups SET status = 'answered', answered_at = ?1, score = ?2, comment = ?3, "
                 "sent_at = coalesce(sent_at, ?1), delivery = NULL, lease_until = NULL "
                 "WHERE id = ?4 AND (status = 'sent' OR status = 'pending' AND delivery = 'unknown')");
    up.bind(1, ms(at));
    if (score) up.bind(2, *score); else up.bind(2);
    bind_text_or_null(up, 3, comment);
    up.bind(4, static_cast<int64_t>(id));
    return update_one(db_, up, id, "answered");
  });
}

core::Status FollowupStore::mark_reopened(std::int64_t id, core::TimePoint at) {
  return db_.transaction([&]() -> core::Status {
    Statement up(db_, "UPDATE followups SET reopened_at = ? WHERE id = ?");
    up.bind(1, ms(at));
    up.bind(2, static_cast<int64_t>(id));
    return update_one(db_, up, id, "marked reopened");
  });
}

std::vector<core::TimePoint> FollowupStore::sends_to(std::int64_t contact_id, core::TimePoint since) const {
  Statement st(db_,
               "SELECT sent_at FROM messages WHERE contact_id = ?1 AND sent_at >= ?2 "
               "UNION ALL SELECT sent_at FROM followups WHERE contact_id = ?1 AND sent_at >= ?2");
  st.bind(1, static_cast<int64_t>(contact_id));
  st.bind(2, ms(since));
  std::vector<core::TimePoint> out;
  while (st.executeStep()) out.push_back(core::from_millis(st.getColumn(0).getInt64()));
  return out;
}

core::Result<Followup> FollowupStore::get(std::int64_t id) const {
  Statement st(db_, std::string(kSelect) + " WHERE id = ?");
  st.bind(1, static_cast<int64_t>(id));
  if (!st.executeStep()) return core::Error::not_found("no follow-up with id " + std::to_string(id));
  return read(st);
}

std::optional<Followup> FollowupStore::for_case(std::int64_t case_id) const {
  Statement st(db_, std::string(kSelect) + " WHERE case_id = ?");
  st.bind(1, static_cast<int64_t>(case_id));
  if (!st.executeStep()) return std::nullopt;
  return read(st);
}

std::vector<Followup> FollowupStore::for_municipality(const std::string& code, int limit) const {
  Statement st(db_, std::string(kSelect) + " WHERE municipality_code = ? ORDER BY created_at DESC, id DESC LIMIT ?");
  st.bind(1, code);
  st.bind(2, limit);
  std::vector<Followup> out;
  while (st.executeStep()) out.push_back(read(st));
  return out;
}

std::vector<std::int64_t> FollowupStore::stalled_cases(core::TimePoint before, int limit) const {
  Statement st(db_,
               "SELECT c.id FROM cases c WHERE c.status = 'acknowledged' AND c.acknowledged_at <= ? "
               "AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.case_id = c.id) "
               "ORDER BY c.acknowledged_at, c.id LIMIT ?");
  st.bind(1, ms(before));
  st.bind(2, limit);
  std::vector<std::int64_t> out;
  while (st.executeStep()) out.push_back(st.getColumn(0).getInt64());
  return out;
}

}  // namespace outreach::storage
