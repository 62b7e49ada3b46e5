#pragma once
// The raw figures of the municipality scorecards (issue 12 part 2), per municipality, for one
// period [from, to): exact counts and the durations behind the medians, before any small-count
// suppression (services/scorecards.h suppresses and scopes them; nobody outside services reads
// these). Every figure is an aggregate; no query returns a person. The definitions are in the
// README ("Municipality scorecards"); each is one prepared, parameterised statement grouped by
// municipality, so a scorecard for every municipality costs one scan per source table.
// `as_of` (at most `to`) is the moment state-based figures are read at: a case still open past its
// SLA, an error report unresolved past its SLA, an acknowledgement that happened by then.
//
// `db` must outlive the store. Safe on a read-only connection.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct ScorecardRaw {
  std::int64_t people_known = 0;
  std::int64_t people_reached = 0;
  std::int64_t people_answered = 0;
  std::int64_t people_asked_for_help = 0;
  std::int64_t cases_opened = 0;
  std::int64_t cases_routed = 0;
  std::int64_t sla_breaches = 0;
  std::int64_t escalations = 0;
  std::int64_t followups_sent = 0;
  std::int64_t followups_answered = 0;
  std::array<std::int64_t, 5> scores{};  // answered follow-ups with score 1..5
  std::int64_t error_reports_opened = 0;
  std::int64_t error_reports_past_sla = 0;
  std::vector<std::int64_t> ack_ms;            // opened -> acknowledged, cases opened in the period
  std::vector<std::int64_t> first_contact_ms;  // opened -> first in_contact, cases opened in the period
};

class ScorecardStore {
 public:
  explicit ScorecardStore(Database& db) : db_(db) {}
  ScorecardStore(const ScorecardStore&) = delete;
  ScorecardStore& operator=(const ScorecardStore&) = delete;

  // Municipality code -> raw figures; municipalities with nothing to count are absent.
  core::Result<std::map<std::string, ScorecardRaw>> compute(core::TimePoint from, core::TimePoint to,
                                                            core::TimePoint as_of) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
