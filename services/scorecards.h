#pragma once
// Municipality scorecards (issue 12 part 2): per municipality and period, how many people the
// programme knows, reached, heard from and who asked for help; how its cases went (opened, routed,
// acknowledged, median and p90 time to acknowledge and to first contact, SLA breaches,
// escalations); the "did it help?" follow-ups (sent, answered, response rate, scores); and error
// reports (opened, past their SLA). Every figure is defined in the README ("Municipality
// scorecards"); the raw counts come from storage/scorecard_store.h.
//
// Scope (checked here, for every client): a municipality reads its own row, a regional hub the
// rows of its region and the region's total, coordinators and the national fallback team
// everything. The read is audited. Small counts are suppressed (services/scorecard_suppression.h)
// over the whole national table first (municipalities, region totals, national total) and only
// then cut to the scope, so every view shows the same cells and no view can be combined with
// another to recompute a hidden cell. Medians and p90s are hidden when fewer than the threshold
// durations stand behind them, the response rate when either of its counts is hidden.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "services/audit_trail.h"
#include "services/scorecard_suppression.h"

namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

enum class Figure {
  people_known, people_reached, people_answered, people_asked_for_help,
  cases_opened, cases_routed, cases_acknowledged, cases_in_contact, sla_breaches, escalations,
  followups_sent, followups_answered, score_1, score_2, score_3, score_4, score_5, followups_answered_without_score,
  error_reports_opened, error_reports_past_sla,
};
inline constexpr std::size_t kFigureCount = 20;
const char* figure_name(Figure f);

// A median or p90 in hours (one decimal); null when there is nothing to measure or it is hidden.
struct DurationFigure {
  std::optional<double> median_hours;
  std::optional<double> p90_hours;
  bool suppressed = false;
};

struct ScorecardRow {
  std::string level;   // "municipality", "region", "national"
  std::string code;    // CBS code, region code, or "NL"
  std::string name;
  std::string region;  // the municipality's region (empty for none), the region's own code
  std::array<Cell, kFigureCount> cells{};
  DurationFigure time_to_acknowledge;
  DurationFigure time_to_first_contact;
  std::optional<double> followup_response_rate;  // answered / sent, 0..1 (three decimals)
  bool response_rate_suppressed = false;

  const Cell& at(Figure f) const { return cells[static_cast<std::size_t>(f)]; }
};

struct Scorecard {
  core::TimePoint from{};
  core::TimePoint to{};
  core::TimePoint as_of{};  // min(to, now): when state-based figures were read
  int small_count_threshold = 5;
  std::vector<ScorecardRow> rows;
};

// Exactly one of municipality, region, all.
struct ScorecardRequest {
  std::string municipality;
  std::string region;
  bool all = false;
  core::TimePoint from{};
  core::TimePoint to{};
};

// The period both clients accept: ISO dates or UTC times; a date-only `to` includes that whole
// day; `to` defaults to `now`, `from` to 30 days before `to`. Errors name the field.
core::Status parse_scorecard_period(const std::string& from, const std::string& to, core::TimePoint now,
                                    ScorecardRequest& request);

// `db`, `clock` and `config` must outlive the service. On a reader connection pass `pending`
// (services/audit_trail.h).
class Scorecards {
 public:
  Scorecards(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
             PendingAudit* pending = nullptr);

  // Errors: invalid_input (not exactly one of municipality/region/all, from >= to, unknown code),
  // forbidden (outside the actor's scope, or a kind that reads no scorecards).
  core::Result<Scorecard> read(const Actor& actor, const ScorecardRequest& request);

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  const engine::EngineConfig& config_;
  PendingAudit* pending_;
};

// Nearest-rank percentile (p in (0, 1]) of `values` in hours, one decimal; the median of an even
// count is the mean of the two middle values. nullopt for no values.
std::optional<double> median_hours(std::vector<std::int64_t> values_ms);
std::optional<double> percentile_hours(std::vector<std::int64_t> values_ms, double p);

// The formats both clients give out. CSV: one row per scorecard row, a hidden count as "<N"
// (N = the threshold) and a hidden median, p90 or rate as "suppressed". JSON: hidden values are
// null and named in the row's "suppressed" list. Table: fixed-width text for a terminal.
std::string scorecard_csv(const Scorecard& s);
std::string scorecard_json(const Scorecard& s);
std::string scorecard_table(const Scorecard& s);

}  // namespace outreach::services
