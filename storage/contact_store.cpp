#include "storage/contact_store.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "storage/database.h"
#include "storage/sql_util.h"
#include "storage/suppression_list.h"

namespace outreach::storage {

const core::Urn* Contact::address(core::UrnScheme scheme) const {
  for (const auto& a : addresses) {
    if (a.urn.scheme() == scheme && !a.bad) return &a.urn;
  }
  return nullptr;
}

core::Result<std::int64_t> ContactStore::add(const Contact& c, core::TimePoint now) {
  std::int64_t id = 0;
  auto st = db_.transaction([&]() -> core::Status {
    // Cached: an import adds contacts one call each, and compiling three statements per contact was
    // about a fifth of its time.
    auto cached_ins = db_.cached(
        "INSERT INTO contacts(name, language, municipality_code, do_not_contact, "
        "dnc_reason, created_at) VALUES(?, ?, ?, ?, ?, ?) RETURNING id");
    Statement& ins = *cached_ins;
    ins.bind(1, c.name);
    ins.bind(2, c.language.empty() ? std::string("nl") : c.language);
    bind_text_or_null(ins, 3, c.municipality);
    ins.bind(4, c.do_not_contact ? 1 : 0);
    bind_text_or_null(ins, 5, c.dnc_reason);
    ins.bind(6, static_cast<int64_t>(core::to_millis(now)));
    try {
      id = returning_id(ins);
    } catch (const std::exception& e) {
      if (is_sql_error(e, SqlErrorKind::foreign_key)) {
        return core::Error::invalid("unknown municipality '" + c.municipality + "'", "municipality");
      }
      throw;
    }
    auto cached_urn = db_.cached(
        "INSERT INTO contact_urns(contact_id, urn, scheme, address_hash, address_hash_key) VALUES(?, ?, ?, ?, ?)");
    Statement& urn = *cached_urn;
    std::set<std::string> seen;  // the same address listed twice is one address, not a conflict
    for (const auto& a : c.addresses) {
      if (!seen.insert(a.urn.str()).second) continue;
      urn.bind(1, static_cast<int64_t>(id));
      urn.bind(2, a.urn.str());
      urn.bind(3, core::to_string(a.urn.scheme()));
      // Both or neither: a hash without the id of its key would be trusted under any key.
      const bool hashed = !a.address_hash.empty() && !a.address_hash_key.empty();
      bind_text_or_null(urn, 4, hashed ? a.address_hash : std::string());
      bind_text_or_null(urn, 5, hashed ? a.address_hash_key : std::string());
      try {
        urn.exec();
      } catch (const std::exception& e) {
        if (is_sql_error(e, SqlErrorKind::unique)) {
          return core::Error::conflict("address " + a.urn.str() + " already belongs to another contact",
                                       core::to_string(a.urn.scheme()));
        }
        throw;
      }
      urn.reset();
    }
    auto cached_tag = db_.cached("INSERT INTO contact_tags(contact_id, tag) VALUES(?, ?) ON CONFLICT DO NOTHING");
    Statement& tag = *cached_tag;
    for (const auto& t : c.tags) {
      tag.bind(1, static_cast<int64_t>(id));
      tag.bind(2, t);
      tag.exec();
      tag.reset();
    }
    return {};
  });
  if (!st) return st.error();
  return id;
}

namespace {

void load_details(Database& db, Contact& c) {
  auto u = db.cached(
      "SELECT urn, bad, bad_reason, address_hash, address_hash_key FROM contact_urns WHERE contact_id = ? ORDER BY id");
  u->bind(1, static_cast<int64_t>(c.id));
  while (u->executeStep()) {
    auto urn = core::Urn::trusted(u->getColumn(0).getString());
    if (urn) {
      c.addresses.push_back({*urn, u->getColumn(1).getInt() != 0, u->getColumn(2).getString(),
                             u->getColumn(3).getString(), u->getColumn(4).getString()});
    }
  }
  // Tags in byte order on both backends: PostgreSQL otherwise sorts text by the database's
  // collation ("buurt" before "Zorg" under en_US; SQLite and COLLATE "C" put "Zorg" first).
  static constexpr Sql kTagsOf{/*sqlite*/ "SELECT tag FROM contact_tags WHERE contact_id = ? ORDER BY tag",
                               /*postgres*/ "SELECT tag FROM contact_tags WHERE contact_id = ? ORDER BY tag COLLATE \"C\""};
  auto t = db.cached(kTagsOf);
  t->bind(1, static_cast<int64_t>(c.id));
  while (t->executeStep()) c.tags.push_back(t->getColumn(0).getString());
}

constexpr const char* kSelect =
    "SELECT id, name, language, municipality_code, do_not_contact, dnc_reason, created_at, erased_at "
    "FROM contacts";

Contact read_contact(Statement& st) {
  Contact c;
  c.id = st.getColumn(0).getInt64();
  c.name = st.getColumn(1).getString();
  c.language = st.getColumn(2).getString();
  c.municipality = st.getColumn(3).getString();
  c.do_not_contact = st.getColumn(4).getInt() != 0;
  c.dnc_reason = st.getColumn(5).getString();
  c.created_at = core::from_millis(st.getColumn(6).getInt64());
  c.erased = !st.getColumn(7).isNull();
  return c;
}

}  // namespace

core::Result<Contact> ContactStore::get(std::int64_t id) const {
  Contact c;
  {
    auto st = db_.cached(std::string(kSelect) + " WHERE id = ?");
    st->bind(1, static_cast<int64_t>(id));
    if (!st->executeStep()) return core::Error::not_found("no contact with id " + std::to_string(id));
    c = read_contact(*st);
  }
  load_details(db_, c);
  return c;
}

void ContactStore::hold_for_sending(const std::vector<std::int64_t>& ids) {
  if (ids.empty() || db_.dialect() != Dialect::postgres) return;
  auto st = db_.cached("SELECT id FROM contacts WHERE id IN (SELECT value::bigint FROM json_array_elements_text(?::json)) "
                       "ORDER BY id FOR SHARE");
  st->bind(1, id_list_json(ids));
  while (st->executeStep()) {
  }
}

std::vector<Contact> ContactStore::get_many(const std::vector<std::int64_t>& ids, Tags tags) const {
  std::vector<Contact> out;
  if (ids.empty()) return out;
  const std::string list = id_list_json(sorted_unique(ids));
  std::unordered_map<std::int64_t, std::size_t> index;
  {
    // kSelect's columns (json_each has an id of its own, hence the table names on SQLite).
    static constexpr Sql kMany{
        /*sqlite*/ "SELECT c.id, c.name, c.language, c.municipality_code, c.do_not_contact, c.dnc_reason, "
                   "c.created_at, c.erased_at FROM json_each(?) j CROSS JOIN contacts c ON c.id = j.value",
        /*postgres*/ "SELECT id, name, language, municipality_code, do_not_contact, dnc_reason, created_at, erased_at "
                     "FROM contacts WHERE id IN (SELECT value::bigint FROM json_array_elements_text(?::json)) "
                     "ORDER BY id"};
    auto st = db_.cached(kMany);
    st->bind(1, list);
    while (st->executeStep()) out.push_back(read_contact(*st));
    // In id order (SQLite's join promises none; for a list read in order this only checks).
    if (!std::is_sorted(out.begin(), out.end(), [](const Contact& a, const Contact& b) { return a.id < b.id; })) {
      std::sort(out.begin(), out.end(), [](const Contact& a, const Contact& b) { return a.id < b.id; });
    }
    index.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) index[out[i].id] = i;
  }
  // Each person's addresses in id order: the first one is the one a list shows.
  static constexpr Sql kUrns{
      /*sqlite*/ "SELECT u.contact_id, u.urn, u.bad, u.bad_reason, u.id, u.address_hash, u.address_hash_key "
                 "FROM json_each(?) j CROSS JOIN contact_urns u ON u.contact_id = j.value",
      /*postgres*/ "SELECT contact_id, urn, bad, bad_reason, id, address_hash, address_hash_key FROM contact_urns "
                   "WHERE contact_id IN "
                   "(SELECT value::bigint FROM json_array_elements_text(?::json)) ORDER BY contact_id, id"};
  struct Row {
    std::int64_t contact_id;
    std::int64_t id;
    ContactAddress address;
  };
  std::vector<Row> rows;
  auto u = db_.cached(kUrns);
  u->bind(1, list);
  while (u->executeStep()) {
    auto urn = core::Urn::trusted(u->getColumn(1).getString());
    if (!urn) continue;
    rows.push_back({u->getColumn(0).getInt64(), u->getColumn(4).getInt64(),
                    {*urn, u->getColumn(2).getInt() != 0, u->getColumn(3).getString(), u->getColumn(5).getString(),
                     u->getColumn(6).getString()}});
  }
  auto by_contact_then_id = [](const Row& a, const Row& b) {
    return a.contact_id != b.contact_id ? a.contact_id < b.contact_id : a.id < b.id;
  };
  if (!std::is_sorted(rows.begin(), rows.end(), by_contact_then_id)) {
    std::sort(rows.begin(), rows.end(), by_contact_then_id);
  }
  for (auto& r : rows) {
    if (auto it = index.find(r.contact_id); it != index.end()) out[it->second].addresses.push_back(std::move(r.address));
  }
  if (tags == Tags::skip) return out;
  static constexpr Sql kTags{
      /*sqlite*/ "SELECT contact_id, tag FROM contact_tags WHERE contact_id IN (SELECT value FROM json_each(?)) "
                 "ORDER BY contact_id, tag",
      /*postgres*/ "SELECT contact_id, tag FROM contact_tags WHERE contact_id IN "
                   "(SELECT value::bigint FROM json_array_elements_text(?::json)) ORDER BY contact_id, tag COLLATE \"C\""};
  auto t = db_.cached(kTags);
  t->bind(1, list);
  while (t->executeStep()) {
    auto it = index.find(t->getColumn(0).getInt64());
    if (it != index.end()) out[it->second].tags.push_back(t->getColumn(1).getString());
  }
  return out;
}

core::Result<Contact> ContactStore::find_by_urn(const core::Urn& urn) const {
  auto st_cached = db_.cached("SELECT contact_id FROM contact_urns WHERE urn = ?");
  Statement& st = *st_cached;
  st.bind(1, urn.str());
  if (!st.executeStep()) return core::Error::not_found("no contact with address " + urn.str());
  return get(st.getColumn(0).getInt64());
}

core::Status ContactStore::set_do_not_contact(std::int64_t id, bool dnc, const std::string& reason) {
  Statement st(db_, "UPDATE contacts SET do_not_contact = ?, dnc_reason = ? WHERE id = ? AND erased_at IS NULL");
  st.bind(1, dnc ? 1 : 0);
  bind_text_or_null(st, 2, reason);
  st.bind(3, static_cast<int64_t>(id));
  if (st.exec() == 0) return core::Error::not_found("no contact with id " + std::to_string(id));
  return {};
}

core::Status ContactStore::mark_address_bad(const std::string& urn, const std::string& reason) {
  try {
    Statement st(db_, "UPDATE contact_urns SET bad = 1, bad_reason = ? WHERE urn = ?");
    st.bind(1, reason);
    st.bind(2, urn);
    if (st.exec() == 0) return core::Error::not_found("no contact with address " + urn);
    return {};
  } catch (const std::exception& e) {
    return storage_error(e, "ContactStore::mark_address_bad");
  }
}

core::Status ContactStore::erase(std::int64_t id, SuppressionList& suppressions, core::TimePoint now) {
  return db_.transaction([&]() -> core::Status {
    // Before anything goes: the addresses onto the suppression list, with the opt-out evidence
    // (latest event per (purpose, channel) a withdrawal, or do-not-contact) folded into the reason.
    Statement opted_out(db_,
                        "SELECT (SELECT do_not_contact FROM contacts WHERE id = ?1) = 1 OR EXISTS("
                        "SELECT 1 FROM consent_events e WHERE e.contact_id = ?1 AND e.action = 'withdraw' "
                        "AND e.purpose NOT LIKE 'share:%' AND e.id = (SELECT max(x.id) FROM consent_events x "
                        "WHERE x.contact_id = ?1 AND x.purpose = e.purpose AND x.channel = e.channel))");
    opted_out.bind(1, static_cast<int64_t>(id));
    const bool after_opt_out = opted_out.executeStep() && opted_out.getColumn(0).getInt() != 0;
    std::vector<core::Urn> addresses;
    {
      Statement urns(db_, "SELECT urn FROM contact_urns WHERE contact_id = ? ORDER BY id");
      urns.bind(1, static_cast<int64_t>(id));
      while (urns.executeStep()) {
        if (auto u = core::Urn::trusted(urns.getColumn(0).getString())) addresses.push_back(*u);
      }
    }
    Statement mark(db_,
                   "UPDATE contacts SET name = '', municipality_code = municipality_code, "
                   "dnc_reason = NULL, do_not_contact = 1, erased_at = ? WHERE id = ? AND erased_at IS NULL");
    mark.bind(1, static_cast<int64_t>(core::to_millis(now)));
    mark.bind(2, static_cast<int64_t>(id));
    if (mark.exec() == 0) return core::Error::not_found("no contact with id " + std::to_string(id));
    if (auto st = suppressions.add(addresses, after_opt_out ? "erased_after_opt_out" : "erased", now); !st) return st;
    // Municipality stays (aggregated counts); everything that identifies or describes the person goes.
    // A provider id leads back to the message (and its address) at the provider: it goes too; a
    // reply keeps a unique placeholder so the (channel, provider id) key still holds.
    const char* statements[] = {
        // Replies that came in from one of the addresses before they were linked to this contact.
        "UPDATE responses SET text = '', urn = '', provider_message_id = 'erased:' || id WHERE contact_id IS NULL "
        "AND urn IN (SELECT urn FROM contact_urns WHERE contact_id = ?1)",
        "DELETE FROM sandbox_deliveries WHERE message_id IN (SELECT id FROM messages WHERE contact_id = ?1) "
        "OR urn IN (SELECT urn FROM contact_urns WHERE contact_id = ?1)",
        "DELETE FROM contact_urns WHERE contact_id = ?1",
        "DELETE FROM contact_tags WHERE contact_id = ?1",
        "DELETE FROM consent_events WHERE contact_id = ?1",
        "DELETE FROM contact_logs WHERE contact_id = ?1",
        "DELETE FROM assignments WHERE contact_id = ?1",
        // Delivery events carry provider ids and bounce diagnostics ("550 <anna@...>: unknown user").
        "UPDATE message_events SET provider_id = NULL, detail = NULL "
        "WHERE message_id IN (SELECT id FROM messages WHERE contact_id = ?1)",
        // An intermediary row's address and batch id (its provider id) are the intermediary's, not
        // the person's: they stay, so a report back about the person is still recognised as that
        // batch's. Any other address, provider id or reason (bounce diagnostics) goes.
        "UPDATE messages SET urn = CASE WHEN urn LIKE 'intermediary:%' THEN urn ELSE NULL END, "
        "provider_id = CASE WHEN urn LIKE 'intermediary:%' THEN provider_id ELSE NULL END, "
        "reason = CASE WHEN status IN ('waiting','queued') THEN 'erased' ELSE NULL END, "
        "status = CASE WHEN status IN ('waiting','queued') THEN 'suppressed' ELSE status END WHERE contact_id = ?1",
        "UPDATE responses SET text = '', urn = '', provider_message_id = 'erased:' || id WHERE contact_id = ?1",
        // A follow-up's free reply and an error report's text are about the person; a follow-up
        // still waiting has nobody left to ask.
        "UPDATE followups SET comment = NULL, provider_id = NULL, "
        "skip_reason = CASE WHEN status = 'pending' THEN 'erased' ELSE skip_reason END, "
        "status = CASE WHEN status = 'pending' THEN 'skipped' ELSE status END WHERE contact_id = ?1",
        "UPDATE error_reports SET description = NULL, resolution = NULL WHERE contact_id = ?1",
        // Case notes are free text about the person; an open case has nobody left to help.
        "UPDATE case_events SET note = NULL WHERE case_id IN (SELECT id FROM cases WHERE contact_id = ?1)",
        "INSERT INTO case_events(case_id, at, actor, status, owner_code, note) "
        "SELECT id, ?2, 'system', 'closed', owner_code, 'contact erased' FROM cases "
        "WHERE contact_id = ?1 AND status <> 'closed'",
        "UPDATE cases SET status = 'closed', closed_at = ?2, sla_due_at = NULL, updated_at = ?2 "
        "WHERE contact_id = ?1 AND status <> 'closed'",
    };
    for (const char* sql : statements) {
      Statement st(db_, sql);
      st.bind(1, static_cast<int64_t>(id));
      if (st.getBindParameterCount() > 1) st.bind(2, static_cast<int64_t>(core::to_millis(now)));
      st.exec();
    }
    return {};
  });
}

core::Result<std::int64_t> ContactStore::fill_address_hashes(const SuppressionList& suppressions) {
  if (suppressions.key_id().empty()) return core::Error::invalid("no suppression key to hash addresses with", "ContactStore");
  std::int64_t hashed = 0, after = 0;
  for (;;) {
    std::vector<std::pair<std::int64_t, std::string>> batch;
    std::int64_t last = after;
    auto st = db_.transaction([&]() -> core::Status {
      auto pick = db_.cached(
          "SELECT id, urn FROM contact_urns WHERE id > ?1 AND (address_hash_key IS NULL OR address_hash_key <> ?2) "
          "ORDER BY id LIMIT 1000");
      pick->bind(1, static_cast<int64_t>(after));
      pick->bind(2, suppressions.key_id());
      while (pick->executeStep()) batch.emplace_back(pick->getColumn(0).getInt64(), pick->getColumn(1).getString());
      pick->reset();
      auto set = db_.cached("UPDATE contact_urns SET address_hash = ?1, address_hash_key = ?2 WHERE id = ?3");
      for (const auto& [id, text] : batch) {
        last = id;
        auto urn = core::Urn::trusted(text);
        if (!urn) continue;  // not an address the policy can read either; it stays unhashed
        set->bind(1, suppressions.hash(*urn));
        set->bind(2, suppressions.key_id());
        set->bind(3, static_cast<int64_t>(id));
        hashed += set->exec();
        set->reset();
      }
      return {};
    });
    if (!st) return st.error();
    if (batch.empty()) return hashed;
    after = last;
  }
}

std::int64_t ContactStore::count() const {
  return db_.query_int64("SELECT count(*) FROM contacts WHERE erased_at IS NULL");
}

void ContactStore::for_each(const std::function<void(const Contact&)>& fn) const {
  // Three cursors in contact order, merged: one pass, constant memory.
  Statement contacts(db_, std::string(kSelect) + " WHERE erased_at IS NULL ORDER BY id");
  Statement urns(db_, "SELECT contact_id, urn, bad, bad_reason FROM contact_urns ORDER BY contact_id, id");
  static constexpr Sql kAllTags{/*sqlite*/ "SELECT contact_id, tag FROM contact_tags ORDER BY contact_id, tag",
                                /*postgres*/ "SELECT contact_id, tag FROM contact_tags ORDER BY contact_id, tag COLLATE \"C\""};
  Statement tags(db_, kAllTags);
  bool urn_row = urns.executeStep();
  bool tag_row = tags.executeStep();
  while (contacts.executeStep()) {
    Contact c = read_contact(contacts);
    while (urn_row && urns.getColumn(0).getInt64() < c.id) urn_row = urns.executeStep();
    while (urn_row && urns.getColumn(0).getInt64() == c.id) {
      auto urn = core::Urn::trusted(urns.getColumn(1).getString());
      if (urn) c.addresses.push_back({*urn, urns.getColumn(2).getInt() != 0, urns.getColumn(3).getString()});
      urn_row = urns.executeStep();
    }
    while (tag_row && tags.getColumn(0).getInt64() < c.id) tag_row = tags.executeStep();
    while (tag_row && tags.getColumn(0).getInt64() == c.id) {
      c.tags.push_back(tags.getColumn(1).getString());
      tag_row = tags.executeStep();
    }
    fn(c);
  }
}

}  // namespace outreach::storage
