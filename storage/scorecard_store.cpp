#include "storage/scorecard_store.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {

int64_t ms(core::TimePoint t) { return static_cast<int64_t>(core::to_millis(t)); }

// People counted by their (current) municipality. Every query takes ?1 = from, ?2 = to, ?3 = as of
// (bound up to the highest one it uses). Counts are CASE .. THEN 1 ELSE 0 (PostgreSQL sums no booleans).
constexpr const char* kKnown =
    "SELECT municipality_code, count(*) FROM contacts WHERE municipality_code IS NOT NULL AND created_at < ?2 "
    "GROUP BY municipality_code";
// Reached: a message the provider accepted (and did not report undelivered) sent in the period,
// not a digest handed to an intermediary; or a contact log saying a person spoke to them.
constexpr const char* kReached =
    "SELECT c.municipality_code, count(*) FROM contacts c WHERE c.municipality_code IS NOT NULL AND c.id IN ("
    "SELECT contact_id FROM messages WHERE sent_at >= ?1 AND sent_at < ?2 "
    "AND status IN ('sent', 'delivered', 'read') AND coalesce(urn, '') NOT LIKE 'intermediary:%' "
    "UNION SELECT contact_id FROM contact_logs WHERE at >= ?1 AND at < ?2 "
    "AND outcome IN ('reached_wants_help', 'reached_no_help', 'asked_no_contact')) GROUP BY c.municipality_code";
constexpr const char* kAnswered =
    "SELECT c.municipality_code, count(DISTINCT r.contact_id) FROM responses r JOIN contacts c ON c.id = r.contact_id "
    "WHERE r.received_at >= ?1 AND r.received_at < ?2 AND c.municipality_code IS NOT NULL "
    "GROUP BY c.municipality_code";
constexpr const char* kAskedForHelp =
    "SELECT c.municipality_code, count(*) FROM contacts c WHERE c.municipality_code IS NOT NULL AND c.id IN ("
    "SELECT contact_id FROM responses WHERE received_at >= ?1 AND received_at < ?2 AND keyword = 'yes' "
    "UNION SELECT contact_id FROM contact_logs WHERE at >= ?1 AND at < ?2 AND outcome = 'reached_wants_help') "
    "GROUP BY c.municipality_code";
// Cases opened in the period, one row each: routed at opening, durations up to the as-of time, SLA missed.
constexpr const char* kCases =
    "SELECT c.municipality_code, CASE WHEN c.routed_by IS NOT NULL THEN 1 ELSE 0 END, c.opened_at, "
    "CASE WHEN c.acknowledged_at <= ?3 THEN c.acknowledged_at END, "
    "(SELECT min(e.at) FROM case_events e WHERE e.case_id = c.id AND e.status = 'in_contact' AND e.at <= ?3), "
    "CASE WHEN c.routed_by IS NULL AND (EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.status IN "
    "('escalated_hub', 'escalated_fallback') AND e.note = 'no_municipal_action' AND e.at <= ?3) "
    "OR (c.status = 'open' AND c.owner_kind = 'municipality' AND c.sla_due_at IS NOT NULL AND c.sla_due_at <= ?3)) "
    "THEN 1 ELSE 0 END FROM cases c WHERE c.opened_at >= ?1 AND c.opened_at < ?2";
constexpr const char* kEscalations =
    "SELECT c.municipality_code, count(*) FROM case_events e JOIN cases c ON c.id = e.case_id "
    "WHERE e.at >= ?1 AND e.at < ?2 AND e.status IN ('escalated_hub', 'escalated_fallback') "
    "AND e.note = 'no_municipal_action' GROUP BY c.municipality_code";
constexpr const char* kFollowups =
    "SELECT municipality_code, count(*), "
    "coalesce(sum(CASE WHEN status = 'answered' AND answered_at <= ?3 THEN 1 ELSE 0 END), 0), "
    "coalesce(sum(CASE WHEN status = 'answered' AND answered_at <= ?3 AND score = 1 THEN 1 ELSE 0 END), 0), "
    "coalesce(sum(CASE WHEN status = 'answered' AND answered_at <= ?3 AND score = 2 THEN 1 ELSE 0 END), 0), "
    "coalesce(sum(CASE WHEN status = 'answered' AND answered_at <= ?3 AND score = 3 THEN 1 ELSE 0 END), 0), "
    "coalesce(sum(CASE WHEN status = 'answered' AND answered_at <= ?3 AND score = 4 THEN 1 ELSE 0 END), 0), "
    "coalesce(sum(CASE WHEN status = 'answered' AND answered_at <= ?3 AND score = 5 THEN 1 ELSE 0 END), 0) "
    "FROM followups WHERE sent_at >= ?1 AND sent_at < ?2 GROUP BY municipality_code";
constexpr const char* kErrorReports =
    "SELECT municipality_code, count(*), "
    "coalesce(sum(CASE WHEN sla_due_at <= ?3 AND (resolved_at IS NULL OR resolved_at > sla_due_at) THEN 1 ELSE 0 END), 0) "
    "FROM error_reports WHERE opened_at >= ?1 AND opened_at < ?2 AND municipality_code IS NOT NULL "
    "GROUP BY municipality_code";

// Binds ?1 = from, ?2 = to, ?3 = as of, as far as the statement goes.
void bind_period(Statement& st, core::TimePoint from, core::TimePoint to, core::TimePoint as_of) {
  const core::TimePoint params[] = {from, to, as_of};
  const int n = st.getBindParameterCount();
  for (int i = 1; i <= 3 && i <= n; ++i) st.bind(i, ms(params[i - 1]));
}

}  // namespace

core::Result<std::map<std::string, ScorecardRaw>> ScorecardStore::compute(core::TimePoint from, core::TimePoint to,
                                                                          core::TimePoint as_of) const {
  try {
    std::map<std::string, ScorecardRaw> out;
    auto per_municipality = [&](const char* sql, std::int64_t ScorecardRaw::*field) {
      Statement st(db_, sql);
      bind_period(st, from, to, as_of);
      while (st.executeStep()) out[st.getColumn(0).getString()].*field = st.getColumn(1).getInt64();
    };
    per_municipality(kKnown, &ScorecardRaw::people_known);
    per_municipality(kReached, &ScorecardRaw::people_reached);
    per_municipality(kAnswered, &ScorecardRaw::people_answered);
    per_municipality(kAskedForHelp, &ScorecardRaw::people_asked_for_help);
    per_municipality(kEscalations, &ScorecardRaw::escalations);
    {
      Statement st(db_, kCases);
      bind_period(st, from, to, as_of);
      while (st.executeStep()) {
        ScorecardRaw& r = out[st.getColumn(0).getString()];
        ++r.cases_opened;
        if (st.getColumn(1).getInt() != 0) ++r.cases_routed;
        const std::int64_t opened = st.getColumn(2).getInt64();
        if (auto ack = optional_int64(st.getColumn(3))) r.ack_ms.push_back(*ack - opened);
        if (auto contact = optional_int64(st.getColumn(4))) r.first_contact_ms.push_back(*contact - opened);
        if (st.getColumn(5).getInt() != 0) ++r.sla_breaches;
      }
    }
    {
      Statement st(db_, kFollowups);
      bind_period(st, from, to, as_of);
      while (st.executeStep()) {
        ScorecardRaw& r = out[st.getColumn(0).getString()];
        r.followups_sent = st.getColumn(1).getInt64();
        r.followups_answered = st.getColumn(2).getInt64();
        for (int i = 0; i < 5; ++i) r.scores[static_cast<std::size_t>(i)] = st.getColumn(3 + i).getInt64();
      }
    }
    {
      Statement st(db_, kErrorReports);
      bind_period(st, from, to, as_of);
      while (st.executeStep()) {
        ScorecardRaw& r = out[st.getColumn(0).getString()];
        r.error_reports_opened = st.getColumn(1).getInt64();
        r.error_reports_past_sla = st.getColumn(2).getInt64();
      }
    }
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "ScorecardStore::compute");
  }
}

}  // namespace outreach::storage
