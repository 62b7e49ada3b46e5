#include "storage/safety_flags.h"

#include <algorithm>

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {

int64_t ms(core::TimePoint t) { return static_cast<int64_t>(core::to_millis(t)); }

constexpr const char* kSelect =
    "SELECT id, municipality_code, rule, status, evidence, action, raised_at, checked_at, cleared_at, "
    "coalesce(cleared_by, ''), coalesce(cleared_reason, '') FROM safety_flags";

SafetyFlag read_flag(Statement& st) {
  SafetyFlag f;
  f.id = st.getColumn(0).getInt64();
  f.municipality = st.getColumn(1).getString();
  f.rule = st.getColumn(2).getString();
  f.status = st.getColumn(3).getString();
  f.evidence = st.getColumn(4).getString();
  f.action = st.getColumn(5).getString();
  f.raised_at = core::from_millis(st.getColumn(6).getInt64());
  f.checked_at = core::from_millis(st.getColumn(7).getInt64());
  if (auto v = optional_int64(st.getColumn(8))) f.cleared_at = core::from_millis(*v);
  f.cleared_by = st.getColumn(9).getString();
  f.cleared_reason = st.getColumn(10).getString();
  return f;
}

// Escalated by the Escalator because nobody acted within the SLA (engine/escalation.cpp).
constexpr const char* kMissed =
    "(EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.status IN ('escalated_hub', "
    "'escalated_fallback') AND e.note = 'no_municipal_action') OR (c.status = 'open' AND c.owner_kind = "
    "'municipality' AND c.sla_due_at IS NOT NULL AND c.sla_due_at <= ?1))";

}  // namespace

core::Result<std::optional<SafetyFlag>> SafetyFlags::open_flag(const std::string& municipality,
                                                               const std::string& rule) const {
  try {
    Statement st(db_, std::string(kSelect) + " WHERE municipality_code = ? AND rule = ? AND status = 'open'");
    st.bind(1, municipality);
    st.bind(2, rule);
    if (!st.executeStep()) return std::optional<SafetyFlag>();
    return std::optional<SafetyFlag>(read_flag(st));
  } catch (const std::exception& e) {
    return storage_error(e, "SafetyFlags::open_flag");
  }
}

core::Result<std::int64_t> SafetyFlags::raise(const std::string& municipality, const std::string& rule,
                                              const std::string& evidence, const std::string& action,
                                              core::TimePoint now) {
  std::int64_t id = 0;
  auto st = db_.transaction([&]() -> core::Status {
    auto open = open_flag(municipality, rule);
    if (!open) return open.error();
    if (*open) return core::Error::conflict(municipality + " has an open " + rule + " flag already", "rule");
    Statement ins(db_,
                  "INSERT INTO safety_flags(municipality_code, rule, status, evidence, action, raised_at, checked_at) "
                  "VALUES(?, ?, 'open', ?, ?, ?, ?) RETURNING id");
    ins.bind(1, municipality);
    ins.bind(2, rule);
    ins.bind(3, evidence);
    ins.bind(4, action);
    ins.bind(5, ms(now));
    ins.bind(6, ms(now));
    id = returning_id(ins);
    return {};
  });
  if (!st) return st.error();
  return id;
}

core::Status SafetyFlags::refresh(std::int64_t id, const std::string& evidence, core::TimePoint now) {
  try {
    Statement up(db_, "UPDATE safety_flags SET evidence = ?, checked_at = ? WHERE id = ? AND status = 'open'");
    up.bind(1, evidence);
    up.bind(2, ms(now));
    up.bind(3, static_cast<int64_t>(id));
    if (up.exec() == 0) return core::Error::not_found("no open safety flag " + std::to_string(id));
    return {};
  } catch (const std::exception& e) {
    return storage_error(e, "SafetyFlags::refresh");
  }
}

core::Status SafetyFlags::clear(std::int64_t id, const std::string& by, const std::string& reason, core::TimePoint now) {
  try {
    Statement up(db_,
                 "UPDATE safety_flags SET status = 'cleared', cleared_at = ?, cleared_by = ?, cleared_reason = ? "
                 "WHERE id = ? AND status = 'open'");
    up.bind(1, ms(now));
    up.bind(2, by);
    up.bind(3, reason);
    up.bind(4, static_cast<int64_t>(id));
    if (up.exec() == 0) return core::Error::not_found("no open safety flag " + std::to_string(id));
    return {};
  } catch (const std::exception& e) {
    return storage_error(e, "SafetyFlags::clear");
  }
}

core::Result<std::vector<SafetyFlag>> SafetyFlags::list(bool include_cleared,
                                                        const std::vector<std::string>& municipalities) const {
  try {
    Statement st(db_, std::string(kSelect) + (include_cleared ? "" : " WHERE status = 'open'") +
                          " ORDER BY raised_at DESC, id DESC");
    std::vector<SafetyFlag> out;
    while (st.executeStep()) {
      SafetyFlag f = read_flag(st);
      if (!municipalities.empty() &&
          std::find(municipalities.begin(), municipalities.end(), f.municipality) == municipalities.end())
        continue;
      out.push_back(std::move(f));
    }
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "SafetyFlags::list");
  }
}

core::Result<std::map<std::string, SlaEvidence>> SafetyFlags::sla_evidence(core::TimePoint since,
                                                                           core::TimePoint now) const {
  try {
    Statement st(db_,
                 std::string("WITH lifted AS (SELECT municipality_code, max(lifted_at) AS at FROM case_routes "
                             "WHERE lifted_at IS NOT NULL GROUP BY municipality_code) "
                             "SELECT municipality_code, sum(missed), sum(CASE WHEN acked = 1 AND missed = 0 THEN 1 ELSE 0 END) "
                             "FROM (SELECT c.municipality_code, CASE WHEN ") +
                     kMissed +
                     " THEN 1 ELSE 0 END AS missed, CASE WHEN c.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END AS acked "
                     "FROM cases c LEFT JOIN lifted l ON l.municipality_code = c.municipality_code "
                     "WHERE c.opened_at >= ?2 AND c.opened_at >= coalesce(l.at, 0) AND c.routed_by IS NULL) AS s "
                     "GROUP BY municipality_code");
    st.bind(1, ms(now));
    st.bind(2, ms(since));
    std::map<std::string, SlaEvidence> out;
    while (st.executeStep()) {
      SlaEvidence e{st.getColumn(1).getInt64(), st.getColumn(2).getInt64()};
      if (e.due() > 0) out[st.getColumn(0).getString()] = e;
    }
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "SafetyFlags::sla_evidence");
  }
}

core::Result<std::map<std::string, OutreachEvidence>> SafetyFlags::outreach_evidence(core::TimePoint known_before,
                                                                                     core::TimePoint since) const {
  try {
    std::map<std::string, OutreachEvidence> out;
    Statement known(db_,
                    "SELECT municipality_code, count(*) FROM contacts WHERE municipality_code IS NOT NULL "
                    "AND erased_at IS NULL AND do_not_contact = 0 AND created_at <= ? GROUP BY municipality_code");
    known.bind(1, ms(known_before));
    while (known.executeStep()) out[known.getColumn(0).getString()].people_known = known.getColumn(1).getInt64();
    // One scan per source of activity, grouped by the person's municipality.
    struct Source {
      const char* sql;
      std::int64_t OutreachEvidence::*field;
    };
    const Source sources[] = {
        {"SELECT c.municipality_code, count(*) FROM messages m JOIN contacts c ON c.id = m.contact_id "
         "WHERE m.sent_at >= ? GROUP BY c.municipality_code",
         &OutreachEvidence::messages_sent},
        {"SELECT c.municipality_code, count(*) FROM contact_logs l JOIN contacts c ON c.id = l.contact_id "
         "WHERE l.at >= ? GROUP BY c.municipality_code",
         &OutreachEvidence::contact_logs},
        {"SELECT c.municipality_code, count(*) FROM case_events e JOIN cases c ON c.id = e.case_id "
         "WHERE e.at >= ? AND e.status IN ('acknowledged', 'in_contact', 'closed') GROUP BY c.municipality_code",
         &OutreachEvidence::case_actions},
    };
    for (const auto& s : sources) {
      Statement st(db_, s.sql);
      st.bind(1, ms(since));
      while (st.executeStep()) {
        if (st.getColumn(0).isNull()) continue;
        out[st.getColumn(0).getString()].*(s.field) = st.getColumn(1).getInt64();
      }
    }
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "SafetyFlags::outreach_evidence");
  }
}

}  // namespace outreach::storage
