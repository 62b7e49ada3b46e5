#include "services/scorecards.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/engine_config.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/scorecard_store.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {

constexpr const char* kPurpose = "programme-monitoring";
constexpr const char* kNames[kFigureCount] = {
    "people_known", "people_reached", "people_answered", "people_asked_for_help",
    "cases_opened", "cases_routed", "cases_acknowledged", "cases_in_contact", "sla_breaches", "escalations",
    "followups_sent", "followups_answered", "score_1", "score_2", "score_3", "score_4", "score_5",
    "followups_answered_without_score", "error_reports_opened", "error_reports_past_sla",
};

std::size_t idx(Figure f) { return static_cast<std::size_t>(f); }

double one_decimal_hours(double ms) { return std::round(ms / 360'000.0) / 10.0; }

// Raw counts and pooled durations of one row, before suppression.
struct Work {
  ScorecardRow row;
  std::vector<std::int64_t> ack_ms, contact_ms;
};

void add_raw(Work& w, const storage::ScorecardRaw& r) {
  auto add = [&](Figure f, std::int64_t v) { w.row.cells[idx(f)].value += v; };
  add(Figure::people_known, r.people_known);
  add(Figure::people_reached, r.people_reached);
  add(Figure::people_answered, r.people_answered);
  add(Figure::people_asked_for_help, r.people_asked_for_help);
  add(Figure::cases_opened, r.cases_opened);
  add(Figure::cases_routed, r.cases_routed);
  add(Figure::cases_acknowledged, static_cast<std::int64_t>(r.ack_ms.size()));
  add(Figure::cases_in_contact, static_cast<std::int64_t>(r.first_contact_ms.size()));
  add(Figure::sla_breaches, r.sla_breaches);
  add(Figure::escalations, r.escalations);
  add(Figure::followups_sent, r.followups_sent);
  add(Figure::followups_answered, r.followups_answered);
  std::int64_t scored = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    w.row.cells[idx(Figure::score_1) + i].value += r.scores[i];
    scored += r.scores[i];
  }
  add(Figure::followups_answered_without_score, r.followups_answered - scored);
  add(Figure::error_reports_opened, r.error_reports_opened);
  add(Figure::error_reports_past_sla, r.error_reports_past_sla);
  w.ack_ms.insert(w.ack_ms.end(), r.ack_ms.begin(), r.ack_ms.end());
  w.contact_ms.insert(w.contact_ms.end(), r.first_contact_ms.begin(), r.first_contact_ms.end());
}

DurationFigure duration(const std::vector<std::int64_t>& ms, const Cell& n, std::int64_t threshold) {
  DurationFigure d;
  if (ms.empty()) return d;
  if (n.suppressed || static_cast<std::int64_t>(ms.size()) < threshold) {
    d.suppressed = true;
    return d;
  }
  d.median_hours = median_hours(ms);
  d.p90_hours = percentile_hours(ms, 0.9);
  return d;
}

// Scope: which rows the actor may read (codes of municipalities and regions; "NL" for national).
core::Status check_scope(const Actor& actor, const ScorecardRequest& req, const storage::Municipality* m) {
  switch (actor.kind) {
    case PrincipalKind::coordinator:
    case PrincipalKind::national_fallback:
      return {};
    case PrincipalKind::municipality:
      if (!req.municipality.empty() && req.municipality == actor.scope) return {};
      break;
    case PrincipalKind::regional_hub:
      if (!req.region.empty() && req.region == actor.scope) return {};
      if (m && !m->region_code.empty() && m->region_code == actor.scope) return {};
      break;
    default:
      return core::Error::forbidden("a " + std::string(storage::to_string(actor.kind)) + " reads no scorecards");
  }
  return core::Error::forbidden("this scorecard is outside your scope",
                                req.all ? "all" : req.region.empty() ? "municipality" : "region");
}

}  // namespace

const char* figure_name(Figure f) { return kNames[idx(f)]; }

std::optional<double> median_hours(std::vector<std::int64_t> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const double mid = n % 2 ? static_cast<double>(v[n / 2])
                           : (static_cast<double>(v[n / 2 - 1]) + static_cast<double>(v[n / 2])) / 2.0;
  return one_decimal_hours(mid);
}

std::optional<double> percentile_hours(std::vector<std::int64_t> v, double p) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return one_decimal_hours(static_cast<double>(v[rank - 1]));
}

core::Status parse_scorecard_period(const std::string& from, const std::string& to, core::TimePoint now,
                                    ScorecardRequest& request) {
  const char* kExpected = "expected an ISO date (YYYY-MM-DD) or UTC time (YYYY-MM-DDTHH:MM:SSZ)";
  request.to = now;
  if (!to.empty()) {
    if (!core::parse_utc(to, request.to)) return core::Error::invalid(kExpected, "to");
    if (to.size() == 10) request.to += std::chrono::hours(24);
  }
  request.from = request.to - std::chrono::hours(24 * 30);
  if (!from.empty() && !core::parse_utc(from, request.from)) return core::Error::invalid(kExpected, "from");
  if (request.from >= request.to) return core::Error::invalid("the period must end after it starts", "to");
  return {};
}

Scorecards::Scorecards(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                       PendingAudit* pending)
    : db_(db), clock_(clock), config_(config), pending_(pending) {}

core::Result<Scorecard> Scorecards::read(const Actor& actor, const ScorecardRequest& req) {
  const int chosen = (req.municipality.empty() ? 0 : 1) + (req.region.empty() ? 0 : 1) + (req.all ? 1 : 0);
  if (chosen != 1) return core::Error::invalid("name exactly one of municipality, region or all", "scope");
  if (req.from >= req.to) return core::Error::invalid("the period must end after it starts", "to");
  storage::MunicipalityStore places(db_);
  std::optional<storage::Municipality> asked;
  if (!req.municipality.empty()) {
    auto m = places.get(req.municipality);
    // Scope first, so an outsider learns nothing about which codes exist.
    if (auto st = check_scope(actor, req, m ? &*m : nullptr); !st) return st.error();
    if (!m) return core::Error::invalid("unknown municipality '" + req.municipality + "'", "municipality");
    asked = *m;
  } else {
    if (auto st = check_scope(actor, req, nullptr); !st) return st.error();
    if (!req.region.empty() && !places.region(req.region))
      return core::Error::invalid("unknown region '" + req.region + "'", "region");
  }

  Scorecard card;
  card.from = req.from;
  card.to = req.to;
  card.as_of = std::min(req.to, clock_.now());
  card.small_count_threshold = std::max(1, config_.scorecards.small_count_threshold);
  auto raw = storage::ScorecardStore(db_).compute(req.from, req.to, card.as_of);
  if (!raw) return raw.error();

  // The whole national table: every current municipality (and any with figures), region totals,
  // the national total; suppression runs over all of it before the scope cuts it.
  std::vector<Work> rows;
  std::map<std::string, std::size_t> row_of;
  for (const auto& m : places.list()) {
    if (!m.valid_to.empty() && !raw->count(m.code)) continue;
    row_of[m.code] = rows.size();
    Work w;
    w.row = {.level = "municipality", .code = m.code, .name = m.name, .region = m.region_code};
    rows.push_back(std::move(w));
  }
  for (const auto& [code, r] : *raw) {
    if (!row_of.count(code)) {
      row_of[code] = rows.size();
      Work w;
      w.row = {.level = "municipality", .code = code, .name = code};
      rows.push_back(std::move(w));
    }
    add_raw(rows[row_of[code]], r);
  }
  const std::size_t municipal_rows = rows.size();
  std::map<std::string, std::size_t> region_row;
  for (const auto& r : places.regions()) {
    region_row[r.code] = rows.size();
    Work w;
    w.row = {.level = "region", .code = r.code, .name = r.name, .region = r.code};
    rows.push_back(std::move(w));
  }
  const std::size_t national = rows.size();
  {
    Work w;
    w.row = {.level = "national", .code = "NL", .name = "Nederland"};
    rows.push_back(std::move(w));
  }
  std::vector<std::vector<std::size_t>> members(rows.size());
  std::vector<std::size_t> national_parts;  // region rows and municipalities in no region
  for (std::size_t i = 0; i < municipal_rows; ++i) {
    auto reg = region_row.find(rows[i].row.region);
    if (reg != region_row.end()) {
      members[reg->second].push_back(i);
    } else {
      national_parts.push_back(i);
    }
    members[national].push_back(i);
  }
  for (const auto& [code, r] : region_row) national_parts.push_back(r);
  for (std::size_t t = municipal_rows; t < rows.size(); ++t) {
    for (auto i : members[t]) {
      for (std::size_t f = 0; f < kFigureCount; ++f) rows[t].row.cells[f].value += rows[i].row.cells[f].value;
      rows[t].ack_ms.insert(rows[t].ack_ms.end(), rows[i].ack_ms.begin(), rows[i].ack_ms.end());
      rows[t].contact_ms.insert(rows[t].contact_ms.end(), rows[i].contact_ms.begin(), rows[i].contact_ms.end());
    }
  }

  // Suppression over the flattened table (services/scorecard_suppression.h).
  std::vector<Cell> cells;
  cells.reserve(rows.size() * kFigureCount);
  for (const auto& w : rows) cells.insert(cells.end(), w.row.cells.begin(), w.row.cells.end());
  auto at = [](std::size_t row, Figure f) { return row * kFigureCount + idx(f); };
  std::vector<AdditiveGroup> groups;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    AdditiveGroup g{at(r, Figure::followups_answered), {}};
    for (Figure f : {Figure::score_1, Figure::score_2, Figure::score_3, Figure::score_4, Figure::score_5,
                     Figure::followups_answered_without_score})
      g.parts.push_back(at(r, f));
    groups.push_back(std::move(g));
  }
  for (std::size_t f = 0; f < kFigureCount; ++f) {
    for (std::size_t t = municipal_rows; t < rows.size(); ++t) {
      AdditiveGroup g{t * kFigureCount + f, {}};
      for (auto i : members[t]) g.parts.push_back(i * kFigureCount + f);
      groups.push_back(std::move(g));
    }
    AdditiveGroup g{national * kFigureCount + f, {}};
    for (auto i : national_parts) g.parts.push_back(i * kFigureCount + f);
    groups.push_back(std::move(g));
  }
  const std::int64_t k = card.small_count_threshold;
  suppress_small_counts(cells, groups, k);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    ScorecardRow& row = rows[r].row;
    std::copy_n(cells.begin() + static_cast<std::ptrdiff_t>(r * kFigureCount), kFigureCount, row.cells.begin());
    row.time_to_acknowledge = duration(rows[r].ack_ms, row.at(Figure::cases_acknowledged), k);
    row.time_to_first_contact = duration(rows[r].contact_ms, row.at(Figure::cases_in_contact), k);
    const Cell& sent = row.at(Figure::followups_sent);
    const Cell& answered = row.at(Figure::followups_answered);
    if (sent.value > 0) {
      if (sent.suppressed || answered.suppressed) {
        row.response_rate_suppressed = true;
      } else {
        row.followup_response_rate =
            std::round(1000.0 * static_cast<double>(answered.value) / static_cast<double>(sent.value)) / 1000.0;
      }
    }
  }

  // Cut to the scope.
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const ScorecardRow& row = rows[r].row;
    bool keep = req.all;
    if (!req.municipality.empty()) keep = row.level == "municipality" && row.code == req.municipality;
    if (!req.region.empty()) keep = row.region == req.region && row.level != "national";
    if (keep) card.rows.push_back(row);
  }
  if (req.all) {  // members before their region's total, municipalities in no region last
    std::stable_sort(card.rows.begin(), card.rows.end(), [](const ScorecardRow& a, const ScorecardRow& b) {
      auto key = [](const ScorecardRow& x) {
        const int level = x.level == "national" ? 3 : x.region.empty() ? 2 : 1;
        return std::tuple(level, x.region, x.level == "region" ? 1 : 0, x.code);
      };
      return key(a) < key(b);
    });
  } else if (!req.region.empty()) {
    std::stable_sort(card.rows.begin(), card.rows.end(), [](const ScorecardRow& a, const ScorecardRow& b) {
      return std::tuple(a.level == "region", a.code) < std::tuple(b.level == "region", b.code);
    });
  }

  const std::string subject = !req.municipality.empty() ? "scorecard:municipality:" + req.municipality
                              : !req.region.empty()     ? "scorecard:region:" + req.region
                                                        : "scorecard:all";
  auto st = AuditTrail(db_, clock_, pending_)
                .record(actor, "scorecards.read", subject, kPurpose,
                        core::format_utc(req.from) + ".." + core::format_utc(req.to));
  if (!st) return st.error();
  return card;
}

}  // namespace outreach::services
