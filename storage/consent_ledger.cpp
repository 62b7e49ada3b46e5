#include "storage/consent_ledger.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {

const char* to_string(ConsentAction a) { return a == ConsentAction::grant ? "grant" : "withdraw"; }

bool ConsentState::granted(const std::string& channel) const {
  const std::pair<std::int64_t, ConsentAction>* best = nullptr;
  for (const char* key : {"*", channel.c_str()}) {
    auto it = latest.find(key);
    if (it != latest.end() && (!best || it->second.first > best->first)) best = &it->second;
  }
  return best && best->second == ConsentAction::grant;
}

bool ConsentState::withdrawn_anywhere() const {
  for (const auto& [channel, ev] : latest) {
    if (ev.second == ConsentAction::withdraw) return true;
  }
  return false;
}

core::Result<std::int64_t> ConsentLedger::record(const ConsentEvent& e) {
  if (e.purpose.empty()) return core::Error::invalid("consent purpose is empty", "purpose");
  if (e.source.empty()) return core::Error::invalid("consent source is empty", "source");
  if (e.collector.empty()) return core::Error::invalid("consent collector is empty", "collector");
  if (db_.dialect() == Dialect::postgres) {
    // Engines sharing the database: the contact's row is locked first, so this change waits for a
    // batch being handed out with this person in it (ContactStore::hold_for_sending) and the next
    // batch's send-time check sees it.
    std::int64_t id = 0;
    auto st = db_.transaction([&]() -> core::Status {
      try {
        auto lock = db_.cached("SELECT id FROM contacts WHERE id = ? FOR UPDATE");
        lock->bind(1, static_cast<int64_t>(e.contact_id));
        if (!lock->executeStep()) return core::Error::not_found("no contact with id " + std::to_string(e.contact_id), "contact_id");
      } catch (const std::exception& ex) {
        return storage_error(ex, "ConsentLedger::record");
      }
      auto r = insert(e);
      if (!r) return r.error();
      id = *r;
      return {};
    });
    if (!st) return st.error();
    return id;
  }
  return insert(e);
}

core::Result<std::int64_t> ConsentLedger::insert(const ConsentEvent& e) {
  try {
    auto st_cached = db_.cached(
        "INSERT INTO consent_events(contact_id, purpose, channel, action, source, text_id, "
        "text_version, language, collector, at, origin_message_id, origin_form) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    Statement& st = *st_cached;
    st.bind(1, static_cast<int64_t>(e.contact_id));
    st.bind(2, e.purpose);
    st.bind(3, e.channel.empty() ? std::string("*") : e.channel);
    st.bind(4, to_string(e.action));
    st.bind(5, e.source);
    bind_text_or_null(st, 6, e.text_id);
    bind_text_or_null(st, 7, e.text_version);
    bind_text_or_null(st, 8, e.language);
    st.bind(9, e.collector);
    st.bind(10, static_cast<int64_t>(core::to_millis(e.at)));
    bind_optional(st, 11, e.origin_message_id);
    bind_text_or_null(st, 12, e.origin_form);
    return returning_id(st);
  } catch (const std::exception& ex) {
    auto err = storage_error(ex, "ConsentLedger::record");
    if (err.code == core::ErrorCode::invalid_input) {
      return core::Error::not_found("no contact with id " + std::to_string(e.contact_id), "contact_id");
    }
    return err;
  }
}

ConsentState ConsentLedger::state(std::int64_t contact_id, const std::string& purpose) const {
  ConsentState s;
  auto st = db_.cached("SELECT channel, id, action FROM consent_events WHERE contact_id = ? AND purpose = ? ORDER BY id");
  st->bind(1, static_cast<int64_t>(contact_id));
  st->bind(2, purpose);
  while (st->executeStep()) {
    s.latest[st->getColumn(0).getString()] = {
        st->getColumn(1).getInt64(),
        st->getColumn(2).getString() == "grant" ? ConsentAction::grant : ConsentAction::withdraw};
  }
  return s;
}

std::map<std::string, ConsentState> ConsentLedger::states(std::int64_t contact_id) const {
  auto all = states_of({contact_id});
  auto it = all.find(contact_id);
  return it == all.end() ? std::map<std::string, ConsentState>{} : std::move(it->second);
}

std::unordered_map<std::int64_t, std::map<std::string, ConsentState>> ConsentLedger::states_of(
    const std::vector<std::int64_t>& contact_ids) const {
  std::unordered_map<std::int64_t, std::map<std::string, ConsentState>> out;
  if (contact_ids.empty()) return out;
  // The event with the highest id per (contact, purpose, channel) is the current word. Kept by
  // comparing ids rather than by ORDER BY: SQLite would sort each contact's events in a temporary
  // b-tree (the index runs contact, purpose, channel, id), once per person on every list page.
  static constexpr Sql kEvents{
      /*sqlite*/ "SELECT e.contact_id, e.purpose, e.channel, e.id, e.action FROM json_each(?) j "
                 "CROSS JOIN consent_events e ON e.contact_id = j.value",
      /*postgres*/ "SELECT contact_id, purpose, channel, id, action FROM consent_events "
                   "WHERE contact_id IN (SELECT value::bigint FROM json_array_elements_text(?::json))"};
  auto st = db_.cached(kEvents);
  st->bind(1, id_list_json(sorted_unique(contact_ids)));
  while (st->executeStep()) {
    auto& word = out[st->getColumn(0).getInt64()][st->getColumn(1).getString()].latest[st->getColumn(2).getString()];
    const std::int64_t id = st->getColumn(3).getInt64();
    if (id <= word.first) continue;  // a later event for this channel was already read
    word = {id, st->getColumn(4).getString() == "grant" ? ConsentAction::grant : ConsentAction::withdraw};
  }
  return out;
}

std::vector<std::string> ConsentLedger::purposes() const {
  std::vector<std::string> out;
  // In byte order on both backends (PostgreSQL otherwise sorts by the database's collation).
  static constexpr Sql kPurposes{
      /*sqlite*/ "SELECT DISTINCT purpose FROM consent_events ORDER BY purpose",
      /*postgres*/ "SELECT DISTINCT purpose COLLATE \"C\" AS purpose FROM consent_events ORDER BY 1"};
  Statement st(db_, kPurposes);
  while (st.executeStep()) out.push_back(st.getColumn(0).getString());
  return out;
}

bool ConsentLedger::has_consent(std::int64_t contact_id, const std::string& purpose,
                                const std::string& channel) const {
  return state(contact_id, purpose).granted(channel);
}

namespace {
constexpr const char* kSelect =
    "SELECT id, contact_id, purpose, channel, action, source, text_id, text_version, language, collector, at, "
    "origin_message_id, origin_form FROM consent_events";

ConsentEvent read_event(Statement& st) {
  ConsentEvent e;
  e.id = st.getColumn(0).getInt64();
  e.contact_id = st.getColumn(1).getInt64();
  e.purpose = st.getColumn(2).getString();
  e.channel = st.getColumn(3).getString();
  e.action = st.getColumn(4).getString() == "grant" ? ConsentAction::grant : ConsentAction::withdraw;
  e.source = st.getColumn(5).getString();
  e.text_id = st.getColumn(6).getString();
  e.text_version = st.getColumn(7).getString();
  e.language = st.getColumn(8).getString();
  e.collector = st.getColumn(9).getString();
  e.at = core::from_millis(st.getColumn(10).getInt64());
  e.origin_message_id = optional_int64(st.getColumn(11));
  e.origin_form = st.getColumn(12).getString();
  return e;
}
}  // namespace

std::vector<ConsentEvent> ConsentLedger::history(std::int64_t contact_id) const {
  std::vector<ConsentEvent> out;
  auto st_cached = db_.cached(std::string(kSelect) + " WHERE contact_id = ? ORDER BY id");
  Statement& st = *st_cached;
  st.bind(1, static_cast<int64_t>(contact_id));
  while (st.executeStep()) out.push_back(read_event(st));
  return out;
}

std::vector<ConsentEvent> ConsentLedger::between(core::TimePoint from, core::TimePoint to) const {
  std::vector<ConsentEvent> out;
  Statement st(db_, std::string(kSelect) + " WHERE at >= ? AND at < ? ORDER BY id");
  st.bind(1, static_cast<int64_t>(core::to_millis(from)));
  st.bind(2, static_cast<int64_t>(core::to_millis(to)));
  while (st.executeStep()) out.push_back(read_event(st));
  return out;
}

void ConsentLedger::for_each_state(const std::string& purpose,
                                   const std::function<void(std::int64_t, const ConsentState&)>& fn) const {
  Statement st(db_,
               "SELECT contact_id, channel, id, action FROM consent_events WHERE purpose = ? "
               "ORDER BY contact_id, id");
  st.bind(1, purpose);
  std::int64_t current = 0;
  ConsentState s;
  while (st.executeStep()) {
    std::int64_t cid = st.getColumn(0).getInt64();
    if (cid != current && current != 0) {
      fn(current, s);
      s.latest.clear();
    }
    current = cid;
    s.latest[st.getColumn(1).getString()] = {
        st.getColumn(2).getInt64(),
        st.getColumn(3).getString() == "grant" ? ConsentAction::grant : ConsentAction::withdraw};
  }
  if (current != 0) fn(current, s);
}

}  // namespace outreach::storage
