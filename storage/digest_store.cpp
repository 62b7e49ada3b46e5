#include "storage/digest_store.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {

namespace {
int64_t ms(core::TimePoint t) { return static_cast<int64_t>(core::to_millis(t)); }

DigestState parse_state(const std::string& s) {
  if (s == "sending") return DigestState::sending;
  if (s == "sent") return DigestState::sent;
  return DigestState::waiting;
}
}  // namespace

const char* to_string(DigestState s) {
  switch (s) {
    case DigestState::waiting: return "waiting";
    case DigestState::sending: return "sending";
    case DigestState::sent: return "sent";
  }
  return "waiting";
}

core::Status DigestStore::join(std::int64_t message_id, const std::string& intermediary, const std::string& channel,
                               const std::string& batch_id, core::TimePoint now) {
  try {  // one statement: atomic alone, and joins the caller's transaction when there is one
    // Joining again replaces the row (a new batch, a new lease): an upsert both dialects accept.
    auto st = db_.cached(
        "INSERT INTO digest_members(message_id, intermediary, channel, batch_id, state, joined_at, "
        "updated_at, lease_until, engine) SELECT ?1, ?2, ?3, ?4, 'waiting', ?5, ?5, lease_until, ?6 FROM messages "
        "WHERE id = ?1 "
        "ON CONFLICT(message_id) DO UPDATE SET intermediary = excluded.intermediary, channel = excluded.channel, "
        "batch_id = excluded.batch_id, state = excluded.state, joined_at = excluded.joined_at, "
        "updated_at = excluded.updated_at, lease_until = excluded.lease_until, engine = excluded.engine");
    st->bind(1, static_cast<int64_t>(message_id));
    st->bind(2, intermediary);
    st->bind(3, channel);
    st->bind(4, batch_id);
    st->bind(5, ms(now));
    if (auto engine = db_.engine_session()) st->bind(6, static_cast<int64_t>(*engine)); else st->bind(6);
    st->exec();
    return {};
  } catch (const std::exception& e) {
    return storage_error(e, "store digest member");
  }
}

core::Status DigestStore::mark(const std::string& batch_id, DigestState state, core::TimePoint now) {
  return db_.transaction([&]() -> core::Status {
    Statement st(db_, "UPDATE digest_members SET state = ?, updated_at = ? WHERE batch_id = ?");
    st.bind(1, to_string(state));
    st.bind(2, ms(now));
    st.bind(3, batch_id);
    st.exec();
    return {};
  });
}

core::Status DigestStore::forget(const std::string& batch_id) {
  return db_.transaction([&]() -> core::Status {
    Statement st(db_, "DELETE FROM digest_members WHERE batch_id = ?");
    st.bind(1, batch_id);
    st.exec();
    return {};
  });
}

core::Result<std::vector<DigestMember>> DigestStore::left_over(std::optional<std::int32_t> engine) const {
  try {
    Statement st(db_,
                 "SELECT d.message_id, d.intermediary, d.channel, d.batch_id, d.state, coalesce(m.status, ''), "
                 "coalesce(m.campaign_id, 0), coalesce(m.campaign_version, 0), coalesce(m.step, 0), "
                 "coalesce(m.attempts, 0), "
                 "CASE WHEN m.status = 'sending' AND d.lease_until IS NOT DISTINCT FROM m.lease_until THEN 1 ELSE 0 END "
                 "FROM digest_members d LEFT JOIN messages m ON m.id = d.message_id "
                 "WHERE ?1 IS NULL OR d.engine = ?1 ORDER BY d.joined_at, d.message_id");
    if (engine) st.bind(1, static_cast<int64_t>(*engine)); else st.bind(1);
    std::vector<DigestMember> out;
    while (st.executeStep()) {
      DigestMember m;
      m.message_id = st.getColumn(0).getInt64();
      m.intermediary = st.getColumn(1).getString();
      m.channel = st.getColumn(2).getString();
      m.batch_id = st.getColumn(3).getString();
      m.state = parse_state(st.getColumn(4).getString());
      m.message_status = st.getColumn(5).getString();
      m.campaign_id = st.getColumn(6).getInt64();
      m.campaign_version = st.getColumn(7).getInt();
      m.step = st.getColumn(8).getInt();
      m.attempts = st.getColumn(9).getInt();
      m.current = !st.getColumn(10).isNull() && st.getColumn(10).getInt() != 0;
      out.push_back(std::move(m));
    }
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "digest members");
  }
}

core::Result<std::vector<std::int32_t>> DigestStore::engines() const {
  try {
    Statement st(db_, "SELECT DISTINCT engine FROM digest_members WHERE engine IS NOT NULL ORDER BY engine");
    std::vector<std::int32_t> out;
    while (st.executeStep()) out.push_back(static_cast<std::int32_t>(st.getColumn(0).getInt64()));
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "digest engines");
  }
}

std::int64_t DigestStore::count() const {
  return db_.query_int64("SELECT count(*) FROM digest_members");
}

}  // namespace outreach::storage
