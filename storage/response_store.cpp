#include "storage/response_store.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {
int64_t ms(core::TimePoint t) { return static_cast<int64_t>(core::to_millis(t)); }

Response read_response(Statement& st) {
  Response r;
  r.id = st.getColumn(0).getInt64();
  r.contact_id = optional_int64(st.getColumn(1));
  r.campaign_id = optional_int64(st.getColumn(2));
  r.message_id = optional_int64(st.getColumn(3));
  r.channel = st.getColumn(4).getString();
  r.urn = st.getColumn(5).getString();
  r.provider_message_id = st.getColumn(6).getString();
  r.text = st.getColumn(7).getString();
  r.keyword = st.getColumn(8).getString();
  r.received_at = core::from_millis(st.getColumn(9).getInt64());
  return r;
}
constexpr const char* kColumns =
    "r.id, r.contact_id, r.campaign_id, r.message_id, r.channel, r.urn, r.provider_message_id, r.text, "
    "coalesce(r.keyword, ''), r.received_at";
}  // namespace

core::Result<std::optional<std::int64_t>> ResponseStore::record(const Response& r) {
  if (r.provider_message_id.empty()) return core::Error::invalid("provider message id is empty", "provider_message_id");
  try {
    auto st_cached = db_.cached(
        "INSERT INTO responses(contact_id, campaign_id, message_id, channel, urn, provider_message_id, "
        "text, keyword, received_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(channel, provider_message_id) DO NOTHING RETURNING id");
    Statement& st = *st_cached;
    bind_optional(st, 1, r.contact_id);
    bind_optional(st, 2, r.campaign_id);
    bind_optional(st, 3, r.message_id);
    st.bind(4, r.channel);
    st.bind(5, r.urn);
    st.bind(6, r.provider_message_id);
    st.bind(7, r.text);
    bind_text_or_null(st, 8, r.keyword);
    st.bind(9, ms(r.received_at));
    return inserted_id(st);
  } catch (const std::exception& e) {
    return storage_error(e, "ResponseStore::record");
  }
}

bool ResponseStore::has_responded(std::int64_t contact_id, core::TimePoint since) const {
  auto st = db_.cached("SELECT 1 FROM responses WHERE contact_id = ? AND received_at >= ? LIMIT 1");
  st->bind(1, static_cast<int64_t>(contact_id));
  st->bind(2, ms(since));
  return st->executeStep();
}

std::unordered_map<std::int64_t, core::TimePoint> ResponseStore::latest_of(
    const std::vector<std::int64_t>& contact_ids) const {
  std::unordered_map<std::int64_t, core::TimePoint> out;
  if (contact_ids.empty()) return out;
  static constexpr Sql kLatest{
      /*sqlite*/ "SELECT contact_id, MAX(received_at) FROM responses WHERE contact_id IN "
                 "(SELECT value FROM json_each(?)) GROUP BY contact_id",
      /*postgres*/ "SELECT contact_id, MAX(received_at) FROM responses WHERE contact_id IN "
                   "(SELECT value::bigint FROM json_array_elements_text(?::json)) GROUP BY contact_id"};
  auto st = db_.cached(kLatest);
  st->bind(1, id_list_json(contact_ids));
  while (st->executeStep()) out.emplace(st->getColumn(0).getInt64(), core::from_millis(st->getColumn(1).getInt64()));
  return out;
}

void ResponseStore::for_each_responder(const std::function<void(std::int64_t)>& fn) const {
  Statement st(db_, "SELECT DISTINCT contact_id FROM responses WHERE contact_id IS NOT NULL ORDER BY contact_id");
  while (st.executeStep()) fn(st.getColumn(0).getInt64());
}

std::vector<Response> ResponseStore::for_contact(std::int64_t contact_id) const {
  Statement st(db_, std::string("SELECT ") + kColumns + " FROM responses r WHERE r.contact_id = ? ORDER BY r.id");
  st.bind(1, static_cast<int64_t>(contact_id));
  std::vector<Response> out;
  while (st.executeStep()) out.push_back(read_response(st));
  return out;
}

void ResponseStore::for_each_shared(const ResponseQuery& q, const std::function<void(SharedResponse&)>& fn) const {
  // Consent to share with this municipality is derived from the ledger: the latest share:<code>
  // event (any channel) must be a grant. CROSS JOIN keeps responses as the outer loop, walked in id
  // order from the cursor, so LIMIT stops the scan after one page (SQLite; PostgreSQL has no
  // CROSS JOIN .. ON and plans the join order itself: a plain JOIN there).
  // The latest share event's action: on SQLite from the consent index alone (a bare column beside
  // max() takes its value from the row with the maximum, a documented SQLite rule), which saves
  // a lookup in the ledger's table for every row of the page; PostgreSQL looks the row up.
  const bool postgres = db_.dialect() == Dialect::postgres;
  const char* latest_share =
      postgres ? "(SELECT action FROM consent_events WHERE id = (SELECT max(e.id) FROM consent_events e "
                 "   WHERE e.contact_id = c.id AND e.purpose = 'share:' || ?1))"
               : "(SELECT iif(max(e.id) IS NULL, NULL, e.action) FROM consent_events e "
                 "   WHERE e.contact_id = c.id AND e.purpose = 'share:' || ?1)";
  // Compiled once per connection (a municipality list runs it for every page it serves).
  auto st = db_.cached(
      std::string("SELECT ") + kColumns +
          ", c.name, c.language, coalesce(k.status, ''), coalesce(k.id, 0) "
          "FROM responses r " + (postgres ? "JOIN" : "CROSS JOIN") + " contacts c ON c.id = r.contact_id "
          "LEFT JOIN cases k ON k.contact_id = c.id AND k.municipality_code = c.municipality_code "
          "  AND k.id = (SELECT max(id) FROM cases WHERE contact_id = c.id AND municipality_code = c.municipality_code) "
          "WHERE c.municipality_code = ?1 AND c.erased_at IS NULL AND r.id > ?2 "
          "AND (?3 IS NULL OR r.received_at >= ?3) AND (?4 IS NULL OR r.received_at < ?4) "
          "AND " + latest_share + " = 'grant' "
          "ORDER BY r.id LIMIT ?5");
  st->bind(1, q.municipality);
  st->bind(2, static_cast<int64_t>(q.after_id));
  if (q.since) st->bind(3, ms(*q.since)); else st->bind(3);
  if (q.until) st->bind(4, ms(*q.until)); else st->bind(4);
  st->bind(5, q.limit);
  while (st->executeStep()) {
    SharedResponse s;
    s.response = read_response(*st);
    s.name = st->getColumn(10).getString();
    s.language = st->getColumn(11).getString();
    s.case_status = st->getColumn(12).getString();
    s.case_id = st->getColumn(13).getInt64();
    fn(s);
  }
}

std::int64_t ResponseStore::count() const {
  return db_.query_int64("SELECT count(*) FROM responses");
}

}  // namespace outreach::storage
