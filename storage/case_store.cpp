#include "storage/case_store.h"

#include "storage/case_routes.h"
#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {

int64_t ms(core::TimePoint t) { return static_cast<int64_t>(core::to_millis(t)); }

#define OUTREACH_CASE_COLUMNS                                                                                 \
  "k.id, k.contact_id, k.municipality_code, k.campaign_id, k.status, k.owner_kind, k.owner_code, k.opened_at, " \
  "k.sla_due_at, k.acknowledged_at, k.closed_at, coalesce(k.handler_name, ''), coalesce(k.outcome, ''), "      \
  "coalesce(k.routed_by, '')"
constexpr const char* kSelect = "SELECT " OUTREACH_CASE_COLUMNS " FROM cases k";
// The case with the person's details: the first phone number and e-mail address, as the
// municipality's response list shows them (storage/response_store.cpp).
constexpr const char* kSelectRow =
    "SELECT " OUTREACH_CASE_COLUMNS ", c.name, c.language, "
    "(SELECT substr(urn, 5) FROM contact_urns WHERE contact_id = c.id AND scheme = 'tel' ORDER BY id LIMIT 1), "
    "(SELECT substr(urn, 8) FROM contact_urns WHERE contact_id = c.id AND scheme = 'mailto' ORDER BY id LIMIT 1) "
    "FROM cases k JOIN contacts c ON c.id = k.contact_id";
#undef OUTREACH_CASE_COLUMNS

Case read_case(Statement& st) {
  Case c;
  c.id = st.getColumn(0).getInt64();
  c.contact_id = st.getColumn(1).getInt64();
  c.municipality = st.getColumn(2).getString();
  c.campaign_id = optional_int64(st.getColumn(3));
  c.status = st.getColumn(4).getString();
  c.owner_kind = st.getColumn(5).getString();
  c.owner_code = st.getColumn(6).getString();
  c.opened_at = core::from_millis(st.getColumn(7).getInt64());
  if (auto v = optional_int64(st.getColumn(8))) c.sla_due_at = core::from_millis(*v);
  if (auto v = optional_int64(st.getColumn(9))) c.acknowledged_at = core::from_millis(*v);
  if (auto v = optional_int64(st.getColumn(10))) c.closed_at = core::from_millis(*v);
  c.handler_name = st.getColumn(11).getString();
  c.outcome = st.getColumn(12).getString();
  c.routed_by = st.getColumn(13).getString();
  return c;
}

CaseRow read_row(Statement& st) {
  CaseRow r;
  r.c = read_case(st);
  r.name = st.getColumn(14).getString();
  r.language = st.getColumn(15).getString();
  r.phone = st.getColumn(16).getString();
  r.email = st.getColumn(17).getString();
  return r;
}

// A LIKE pattern that matches `text` literally anywhere (a backslash escapes %, _ and itself).
std::string like_anywhere(const std::string& text) {
  std::string out = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "%";
}

bool allowed(const std::string& from, const std::string& to) {
  if (from == "closed") return false;
  if (to == "closed") return true;
  if (to == "acknowledged") return from == "open" || from == "escalated_hub" || from == "escalated_fallback";
  if (to == "in_contact") return from == "acknowledged";  // someone must have picked it up first
  return false;
}

// Escalation moves an unhandled case one level up: open -> hub or fallback, hub -> fallback.
bool may_escalate(const std::string& from, const std::string& to) {
  if (to == "escalated_hub") return from == "open";
  if (to == "escalated_fallback") return from == "open" || from == "escalated_hub";
  return false;
}

void add_event(Database& db, std::int64_t id, core::TimePoint at, const std::string& actor,
               const std::string& status, const std::string& owner, const std::string& note,
               const std::string& outcome = {}) {
  Statement ev(db,
               "INSERT INTO case_events(case_id, at, actor, status, owner_code, note, outcome) "
               "VALUES(?, ?, ?, ?, ?, ?, ?)");
  ev.bind(1, static_cast<int64_t>(id));
  ev.bind(2, ms(at));
  ev.bind(3, actor);
  ev.bind(4, status);
  ev.bind(5, owner);
  bind_text_or_null(ev, 6, note);
  bind_text_or_null(ev, 7, outcome);
  ev.exec();
}

}  // namespace

const std::vector<std::string>& case_outcomes() {
  static const std::vector<std::string> outcomes = {"helped", "referred", "no_help_needed",
                                                    "not_reached", "declined", "other"};
  return outcomes;
}

bool is_case_outcome(const std::string& outcome) {
  for (const auto& o : case_outcomes()) {
    if (o == outcome) return true;
  }
  return false;
}

core::Result<std::int64_t> CaseStore::open(std::int64_t contact_id, const std::string& municipality,
                                           std::optional<std::int64_t> campaign_id, core::TimePoint now,
                                           core::TimePoint sla_due, const std::string& actor) {
  std::int64_t id = 0;
  auto st = db_.transaction([&]() -> core::Status {
    auto find_cached = db_.cached(
        "SELECT id FROM cases WHERE contact_id = ? AND municipality_code = ? AND status <> 'closed'");
    Statement& find = *find_cached;
    find.bind(1, static_cast<int64_t>(contact_id));
    find.bind(2, municipality);
    if (find.executeStep()) {
      id = find.getColumn(0).getInt64();
      return {};
    }
    // The one place a new case's owner is chosen: the municipality, unless its new cases are
    // routed to its hub or the national fallback (storage/case_routes.h; no SLA at the fallback).
    auto route = CaseRoutes(db_).active(municipality);
    if (!route) return route.error();
    const std::string owner_kind = *route ? (*route)->owner_kind : "municipality";
    const std::string owner_code = *route ? (*route)->owner_code : municipality;
    Statement ins(db_,
                  "INSERT INTO cases(contact_id, municipality_code, campaign_id, status, owner_kind, owner_code, "
                  "opened_at, sla_due_at, updated_at, routed_by) VALUES(?, ?, ?, 'open', ?, ?, ?, ?, ?, ?) RETURNING id");
    ins.bind(1, static_cast<int64_t>(contact_id));
    ins.bind(2, municipality);
    bind_optional(ins, 3, campaign_id);
    ins.bind(4, owner_kind);
    ins.bind(5, owner_code);
    ins.bind(6, ms(now));
    if (owner_kind == "fallback") ins.bind(7); else ins.bind(7, ms(sla_due));
    ins.bind(8, ms(now));
    if (*route) ins.bind(9, (*route)->reason); else ins.bind(9);
    id = returning_id(ins);
    add_event(db_, id, now, actor, "open", owner_code, *route ? "routed:" + (*route)->reason : std::string());
    return {};
  });
  if (!st) return st.error();
  return id;
}

core::Result<Case> CaseStore::get(std::int64_t id) const {
  auto st_cached = db_.cached(std::string(kSelect) + " WHERE id = ?");
  Statement& st = *st_cached;
  st.bind(1, static_cast<int64_t>(id));
  if (!st.executeStep()) return core::Error::not_found("no case with id " + std::to_string(id));
  return read_case(st);
}

core::Status CaseStore::set_status(std::int64_t id, const std::string& status, const std::string& actor,
                                   core::TimePoint now, const std::string& note, const std::string& outcome) {
  if (status == "closed" && !is_case_outcome(outcome)) {
    return core::Error::invalid(
        "a case is closed with an outcome: helped, referred, no_help_needed, not_reached, declined or other" +
            (outcome.empty() ? std::string() : ", not '" + outcome + "'"),
        "outcome");
  }
  if (status != "closed" && !outcome.empty()) return core::Error::invalid("only a closed case has an outcome", "outcome");
  return db_.transaction([&]() -> core::Status {
    auto c = get(id);
    if (!c) return c.error();
    if (!allowed(c->status, status)) {
      return core::Error::conflict("a case cannot go from " + c->status + " to " + status, "status");
    }
    Statement up(db_,
                 "UPDATE cases SET status = ?1, updated_at = ?2, "
                 "acknowledged_at = CASE WHEN ?1 = 'acknowledged' THEN ?2 ELSE acknowledged_at END, "
                 "closed_at = CASE WHEN ?1 = 'closed' THEN ?2 ELSE closed_at END, "
                 "outcome = CASE WHEN ?1 = 'closed' THEN ?3 ELSE outcome END, "
                 "sla_due_at = CASE WHEN ?1 IN ('acknowledged', 'in_contact', 'closed') THEN NULL ELSE sla_due_at END "
                 "WHERE id = ?4");
    up.bind(1, status);
    up.bind(2, ms(now));
    bind_text_or_null(up, 3, outcome);
    up.bind(4, static_cast<int64_t>(id));
    up.exec();
    add_event(db_, id, now, actor, status, c->owner_code, note, outcome);
    return {};
  });
}

std::vector<Case> CaseStore::opened_unnotified(int limit) const {
  Statement st(db_, std::string(kSelect) +
                        " WHERE status = 'open' AND owner_notified_at IS NULL ORDER BY id LIMIT ?");
  st.bind(1, limit);
  std::vector<Case> out;
  while (st.executeStep()) out.push_back(read_case(st));
  return out;
}

core::Result<bool> CaseStore::mark_owner_notified(std::int64_t id, core::TimePoint now) {
  try {
    Statement st(db_, "UPDATE cases SET owner_notified_at = ?1 WHERE id = ?2 AND owner_notified_at IS NULL");
    st.bind(1, ms(now));
    st.bind(2, static_cast<int64_t>(id));
    return st.exec() > 0;
  } catch (const SqlError& e) {
    return storage_error(e, "CaseStore::mark_owner_notified");
  }
}

std::vector<Case> CaseStore::due_for_escalation(core::TimePoint now) const {
  Statement st(db_, std::string(kSelect) +
                        " WHERE status IN ('open', 'escalated_hub') AND sla_due_at IS NOT NULL "
                        "AND sla_due_at <= ? ORDER BY sla_due_at, id");
  st.bind(1, ms(now));
  std::vector<Case> out;
  while (st.executeStep()) out.push_back(read_case(st));
  return out;
}

core::Status CaseStore::escalate(std::int64_t id, const std::string& status, const std::string& owner_kind,
                                 const std::string& owner_code, std::optional<core::TimePoint> sla_due,
                                 core::TimePoint now, const std::string& reason) {
  return db_.transaction([&]() -> core::Status {
    auto c = get(id);
    if (!c) return c.error();
    auto moved = escalate_from(*c, status, owner_kind, owner_code, sla_due, now, reason);
    if (!moved) return moved.error();
    if (!*moved) return core::Error::conflict("case " + std::to_string(id) + " cannot be escalated now");
    return {};
  });
}

core::Result<bool> CaseStore::escalate_from(const Case& seen, const std::string& status, const std::string& owner_kind,
                                            const std::string& owner_code, std::optional<core::TimePoint> sla_due,
                                            core::TimePoint now, const std::string& reason) {
  if (status != "escalated_hub" && status != "escalated_fallback") {
    return core::Error::invalid("'" + status + "' is not an escalation (escalated_hub, escalated_fallback)", "status");
  }
  if (!may_escalate(seen.status, status)) {
    return core::Error::conflict("a case cannot go from " + seen.status + " to " + status, "status");
  }
  bool moved = false;
  auto st = db_.transaction([&]() -> core::Status {
    // The compare-and-set: only from the state the caller saw. On PostgreSQL a second mover's
    // UPDATE waits for the first's transaction and then re-reads the row, which no longer matches.
    Statement up(db_, std::string("UPDATE cases SET status = ?, owner_kind = ?, owner_code = ?, sla_due_at = ?, "
                                  "updated_at = ? WHERE id = ? AND status = ? AND owner_code = ? AND ") +
                          (seen.sla_due_at ? "sla_due_at = ?" : "sla_due_at IS NULL"));
    up.bind(1, status);
    up.bind(2, owner_kind);
    up.bind(3, owner_code);
    if (sla_due) up.bind(4, ms(*sla_due)); else up.bind(4);
    up.bind(5, ms(now));
    up.bind(6, static_cast<int64_t>(seen.id));
    up.bind(7, seen.status);
    up.bind(8, seen.owner_code);
    if (seen.sla_due_at) up.bind(9, ms(*seen.sla_due_at));
    if (up.exec() == 0) return {};
    add_event(db_, seen.id, now, "system", status, owner_code, reason);
    moved = true;
    return {};
  });
  if (!st) return st.error();
  return moved;
}

core::Status CaseStore::set_handler(std::int64_t id, const std::string& handler_name, const std::string& actor,
                                    core::TimePoint now) {
  return db_.transaction([&]() -> core::Status {
    auto c = get(id);
    if (!c) return c.error();
    Statement up(db_, "UPDATE cases SET handler_name = ?, updated_at = ? WHERE id = ?");
    bind_text_or_null(up, 1, handler_name);
    up.bind(2, ms(now));
    up.bind(3, static_cast<int64_t>(id));
    up.exec();
    // The event says that the handler changed, not who: the name stays in one place.
    add_event(db_, id, now, actor, c->status, c->owner_code, handler_name.empty() ? "handler cleared" : "handler named");
    return {};
  });
}

core::Result<std::int64_t> CaseStore::reopen(std::int64_t id, core::TimePoint sla_due, const std::string& actor,
                                             core::TimePoint now, const std::string& note) {
  std::int64_t open_id = id;
  auto st = db_.transaction([&]() -> core::Status {
    auto c = get(id);
    if (!c) return c.error();
    if (c->status == "open" && c->owner_kind == "municipality") {
      add_event(db_, id, now, actor, "open", c->owner_code, note);
      return {};
    }
    Statement other(db_,
                    "SELECT id, owner_code FROM cases WHERE contact_id = ? AND municipality_code = ? "
                    "AND status <> 'closed' AND id <> ?");
    other.bind(1, static_cast<int64_t>(c->contact_id));
    other.bind(2, c->municipality);
    other.bind(3, static_cast<int64_t>(id));
    if (c->status == "closed" && other.executeStep()) {
      open_id = other.getColumn(0).getInt64();
      add_event(db_, open_id, now, actor, "open", other.getColumn(1).getString(), note);
      return {};
    }
    Statement up(db_,
                 "UPDATE cases SET status = 'open', owner_kind = 'municipality', owner_code = municipality_code, "
                 "sla_due_at = ?, acknowledged_at = NULL, closed_at = NULL, outcome = NULL, owner_notified_at = ?, "
                 "updated_at = ? WHERE id = ?");
    up.bind(1, ms(sla_due));
    up.bind(2, ms(now));
    up.bind(3, ms(now));
    up.bind(4, static_cast<int64_t>(id));
    up.exec();
    add_event(db_, id, now, actor, "open", c->municipality, note);
    return {};
  });
  if (!st) return st.error();
  return open_id;
}

std::vector<Case> CaseStore::for_owner(const std::string& owner_code) const {
  Statement st(db_, std::string(kSelect) + " WHERE owner_code = ? ORDER BY id");
  st.bind(1, owner_code);
  std::vector<Case> out;
  while (st.executeStep()) out.push_back(read_case(st));
  return out;
}

core::Result<std::vector<CaseRow>> CaseStore::page(const CaseQuery& q) const {
  try {
    // Walks the owner's cases in id order from the cursor (index cases_owner_id), so LIMIT ends the
    // scan after one page when the filters keep most rows.
    auto st = db_.cached(std::string(kSelectRow) +
                         " WHERE k.owner_code = ?1 AND k.owner_kind = ?2 AND k.id > ?3"
                         " AND (?4 IS NULL OR (k.sla_due_at IS NOT NULL AND k.sla_due_at <= ?4))"
                         " AND (?5 = '' OR k.municipality_code = ?5)" +
                         // SQLite's LIKE ignores (ASCII) case and PostgreSQL's does not: ILIKE there.
                         (db_.dialect() == Dialect::postgres
                              ? " AND (?6 = '' OR c.name ILIKE ?6 ESCAPE '\\')"
                                " AND (?7 = '' OR strpos(?7, ',' || k.status || ',') > 0)"
                              : " AND (?6 = '' OR c.name LIKE ?6 ESCAPE '\\')"
                                " AND (?7 = '' OR instr(?7, ',' || k.status || ',') > 0)") +
                         " ORDER BY k.id LIMIT ?8");
    st->bind(1, q.owner_code);
    st->bind(2, q.owner_kind);
    st->bind(3, static_cast<int64_t>(q.after_id));
    if (q.due_before) st->bind(4, ms(*q.due_before)); else st->bind(4);
    st->bind(5, q.municipality);
    st->bind(6, q.name_contains.empty() ? std::string() : like_anywhere(q.name_contains));
    std::string statuses;
    for (const auto& s : q.statuses) statuses += "," + s;
    st->bind(7, statuses.empty() ? statuses : statuses + ",");
    st->bind(8, q.limit);
    std::vector<CaseRow> out;
    while (st->executeStep()) out.push_back(read_row(*st));
    return out;
  } catch (const SqlError& e) {
    return storage_error(e, "CaseStore::page");
  }
}

core::Result<CaseRow> CaseStore::row(std::int64_t id) const {
  try {
    auto st = db_.cached(std::string(kSelectRow) + " WHERE k.id = ?");
    st->bind(1, static_cast<int64_t>(id));
    if (!st->executeStep()) return core::Error::not_found("no case with id " + std::to_string(id));
    return read_row(*st);
  } catch (const SqlError& e) {
    return storage_error(e, "CaseStore::row");
  }
}

std::vector<Case> CaseStore::for_contact(std::int64_t contact_id) const {
  Statement st(db_, std::string(kSelect) + " WHERE contact_id = ? ORDER BY id");
  st.bind(1, static_cast<int64_t>(contact_id));
  std::vector<Case> out;
  while (st.executeStep()) out.push_back(read_case(st));
  return out;
}

std::vector<CaseEvent> CaseStore::history(std::int64_t id) const {
  Statement st(db_,
               "SELECT at, actor, status, owner_code, coalesce(note, ''), coalesce(outcome, '') FROM case_events "
               "WHERE case_id = ? ORDER BY id");
  st.bind(1, static_cast<int64_t>(id));
  std::vector<CaseEvent> out;
  while (st.executeStep()) {
    out.push_back({core::from_millis(st.getColumn(0).getInt64()), st.getColumn(1).getString(),
                   st.getColumn(2).getString(), st.getColumn(3).getString(), st.getColumn(4).getString(),
                   st.getColumn(5).getString()});
  }
  return out;
}

std::map<std::string, std::int64_t> CaseStore::count_by_status() const {
  Statement st(db_, "SELECT status, count(*) FROM cases GROUP BY status");
  std::map<std::string, std::int64_t> out;
  while (st.executeStep()) out[st.getColumn(0).getString()] = st.getColumn(1).getInt64();
  return out;
}

}  // namespace outreach::storage
