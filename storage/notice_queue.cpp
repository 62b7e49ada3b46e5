#include "storage/notice_queue.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {

namespace {
int64_t ms(core::TimePoint t) { return static_cast<int64_t>(core::to_millis(t)); }

NoticeStatus parse(const std::string& s) {
  if (s == "sending") return NoticeStatus::sending;
  if (s == "delivered") return NoticeStatus::delivered;
  if (s == "failed") return NoticeStatus::failed;
  if (s == "unknown") return NoticeStatus::unknown;
  return NoticeStatus::pending;
}

constexpr const char* kColumns =
    "id, delivery_id, case_id, event, owner, payload, receiver_dedupes, status, attempts, due_at, "
    "coalesce(last_error, '')";

Notice read(Statement& st) {
  Notice n;
  n.id = st.getColumn(0).getInt64();
  n.delivery_id = st.getColumn(1).getString();
  n.case_id = st.getColumn(2).getInt64();
  n.event = st.getColumn(3).getString();
  n.owner = st.getColumn(4).getString();
  n.payload = st.getColumn(5).getString();
  n.receiver_dedupes = st.getColumn(6).getInt() != 0;
  n.status = parse(st.getColumn(7).getString());
  n.attempts = st.getColumn(8).getInt();
  n.due_at = core::from_millis(st.getColumn(9).getInt64());
  n.last_error = st.getColumn(10).getString();
  return n;
}
}  // namespace

const char* to_string(NoticeStatus s) {
  switch (s) {
    case NoticeStatus::pending: return "pending";
    case NoticeStatus::sending: return "sending";
    case NoticeStatus::delivered: return "delivered";
    case NoticeStatus::failed: return "failed";
    case NoticeStatus::unknown: return "unknown";
  }
  return "pending";
}

core::Result<NoticeStatus> parse_notice_status(const std::string& text) {
  for (auto s : {NoticeStatus::pending, NoticeStatus::sending, NoticeStatus::delivered, NoticeStatus::failed,
                 NoticeStatus::unknown}) {
    if (text == to_string(s)) return s;
  }
  return core::Error::invalid("expected pending, sending, delivered, failed or unknown, got '" + text + "'", "status");
}

core::Result<bool> NoticeQueue::enqueue(const Notice& n, core::TimePoint now) {
  bool added = false;
  auto st = db_.transaction([&]() -> core::Status {
    Statement ins(db_,
                  "INSERT INTO notices(delivery_id, case_id, event, owner, payload, receiver_dedupes, "
                  "status, attempts, due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?) "
                  "ON CONFLICT DO NOTHING");
    ins.bind(1, n.delivery_id);
    ins.bind(2, static_cast<int64_t>(n.case_id));
    ins.bind(3, n.event);
    ins.bind(4, n.owner);
    ins.bind(5, n.payload);
    ins.bind(6, n.receiver_dedupes ? 1 : 0);
    ins.bind(7, ms(n.due_at));
    ins.bind(8, ms(now));
    ins.bind(9, ms(now));
    added = ins.exec() > 0;
    return {};
  });
  if (!st) return st.error().within("queue notice " + n.delivery_id);
  return added;
}

core::Result<std::vector<Notice>> NoticeQueue::due(core::TimePoint now, int limit) const {
  try {
    Statement st(db_, std::string("SELECT ") + kColumns +
                          " FROM notices WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?");
    st.bind(1, ms(now));
    st.bind(2, limit);
    std::vector<Notice> out;
    while (st.executeStep()) out.push_back(read(st));
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "due notices");
  }
}

std::optional<core::TimePoint> NoticeQueue::next_due() const {
  try {
    Statement st(db_, "SELECT min(due_at) FROM notices WHERE status = 'pending'");
    if (!st.executeStep() || st.getColumn(0).isNull()) return std::nullopt;
    return core::from_millis(st.getColumn(0).getInt64());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

core::Result<bool> NoticeQueue::mark_sending(std::int64_t id, core::TimePoint now) {
  bool changed = false;
  auto st = db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE notices SET status = 'sending', attempts = attempts + 1, updated_at = ? "
                 "WHERE id = ? AND status = 'pending'");
    up.bind(1, ms(now));
    up.bind(2, static_cast<int64_t>(id));
    changed = up.exec() > 0;
    return {};
  });
  if (!st) return st.error().within("notice " + std::to_string(id));
  return changed;
}

core::Status NoticeQueue::set_status(std::int64_t id, const char* from, const char* to, const std::string& error,
                                     std::optional<core::TimePoint> due_at, core::TimePoint now) {
  auto st = db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE notices SET status = ?1, last_error = ?2, due_at = coalesce(?3, due_at), updated_at = ?4 "
                 "WHERE id = ?5 AND status = ?6");
    up.bind(1, to);
    bind_text_or_null(up, 2, error);
    if (due_at) up.bind(3, ms(*due_at)); else up.bind(3);
    up.bind(4, ms(now));
    up.bind(5, static_cast<int64_t>(id));
    up.bind(6, from);
    up.exec();
    return {};
  });
  if (!st) return st.error().within("notice " + std::to_string(id));
  return {};
}

core::Status NoticeQueue::mark_delivered(std::int64_t id, core::TimePoint now) {
  return set_status(id, "sending", "delivered", {}, std::nullopt, now);
}

core::Status NoticeQueue::mark_retry(std::int64_t id, core::TimePoint due_at, const std::string& error, core::TimePoint now) {
  return set_status(id, "sending", "pending", error, due_at, now);
}

core::Status NoticeQueue::mark_failed(std::int64_t id, const std::string& error, core::TimePoint now) {
  return set_status(id, "sending", "failed", error, std::nullopt, now);
}

core::Result<NoticeRecovery> NoticeQueue::recover(core::TimePoint now) {
  NoticeRecovery r;
  auto st = db_.transaction([&]() -> core::Status {
    Statement again(db_,
                    "UPDATE notices SET status = 'pending', due_at = ?1, updated_at = ?1, "
                    "last_error = 'in flight when the engine stopped: sent again with the same delivery id' "
                    "WHERE status = 'sending' AND receiver_dedupes = 1");
    again.bind(1, ms(now));
    r.requeued = again.exec();
    Statement unknown(db_,
                      "UPDATE notices SET status = 'unknown', updated_at = ?1, "
                      "last_error = 'in flight when the engine stopped; the receiver cannot dedupe, so it is not sent again' "
                      "WHERE status = 'sending'");
    unknown.bind(1, ms(now));
    r.unknown = unknown.exec();
    return {};
  });
  if (!st) return st.error().within("recovering notices");
  return r;
}

core::Result<Notice> NoticeQueue::get(const std::string& delivery_id) const {
  try {
    Statement st(db_, std::string("SELECT ") + kColumns + " FROM notices WHERE delivery_id = ?");
    st.bind(1, delivery_id);
    if (!st.executeStep()) return core::Error::not_found("no notice " + delivery_id);
    return read(st);
  } catch (const std::exception& e) {
    return storage_error(e, "notice");
  }
}

core::Result<std::vector<Notice>> NoticeQueue::list(std::optional<NoticeStatus> status, int limit) const {
  try {
    Statement st(db_, std::string("SELECT ") + kColumns +
                          " FROM notices WHERE ?1 IS NULL OR status = ?1 ORDER BY id DESC LIMIT ?2");
    if (status) st.bind(1, to_string(*status)); else st.bind(1);
    st.bind(2, limit);
    std::vector<Notice> out;
    while (st.executeStep()) out.push_back(read(st));
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "list notices");
  }
}

core::Result<std::int64_t> NoticeQueue::redrive(const std::vector<std::int64_t>& ids, core::TimePoint now) {
  std::int64_t changed = 0;
  auto st = db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE notices SET status = 'pending', attempts = 0, due_at = ?1, updated_at = ?1, "
                 "last_error = 'sent again on purpose by an operator' "
                 "WHERE id = ?2 AND status IN ('unknown', 'failed')");
    for (auto id : ids) {
      up.reset();
      up.bind(1, ms(now));
      up.bind(2, static_cast<int64_t>(id));
      changed += up.exec();
    }
    return {};
  });
  if (!st) return st.error().within("redrive notices");
  return changed;
}

std::map<std::string, std::int64_t> NoticeQueue::count_by_status() const {
  std::map<std::string, std::int64_t> out;
  Statement st(db_, "SELECT status, count(*) FROM notices GROUP BY status");
  while (st.executeStep()) out[st.getColumn(0).getString()] = st.getColumn(1).getInt64();
  return out;
}

}  // namespace outreach::storage
