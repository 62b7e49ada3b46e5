// Municipality scorecards: a fixture whose every figure is known in advance (to the unit), the
// small-count suppression (including that no hidden cell can be recomputed from a total), and
// the scope of each kind of reader.
#include "services/scorecards.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>

#include "engine/engine_config.h"
#include "storage/audit_log.h"
#include "tests/support/actors.h"
#include "tests/support/storage_fixture.h"

namespace outreach::services {
namespace {

using storage::PrincipalKind;
using test::actor_as;

core::TimePoint utc(const char* text) {
  core::TimePoint t;
  EXPECT_TRUE(core::parse_utc(text, t)) << text;
  return t;
}
std::int64_t ms(const char* text) { return core::to_millis(utc(text)); }

// The period is November 2026; the clock stands in December, so as_of is the period's end.
class ScorecardsTest : public test::StorageTest {
 protected:
  void SetUp() override {
    config_ = engine::sandbox_config();
    add_region("rijnmond", "GM0599");
    add_region("amstelland", "GM0363");
    add_municipality("GM0599", "rijnmond");
    add_municipality("GM0606", "rijnmond");
    add_municipality("GM0622", "rijnmond");
    add_municipality("GM0363", "amstelland");
    clock.set(utc("2026-10-15T09:00:00Z"));  // everybody known before the period
    for (int i = 0; i < 12; ++i) rotterdam_.push_back(add_contact("R" + std::to_string(i), "GM0599"));
    for (int i = 0; i < 3; ++i) schiedam_.push_back(add_contact("S" + std::to_string(i), "GM0606"));
    for (int i = 0; i < 7; ++i) add_contact("V" + std::to_string(i), "GM0622");
    for (int i = 0; i < 6; ++i) add_contact("A" + std::to_string(i), "GM0363");
    exec("INSERT INTO campaigns(id, key, name, state, version, author, created_at, updated_at) "
         "VALUES(1, 'c', 'c', 'running', 1, 't', 0, 0)");
    seed_rotterdam();
    seed_schiedam();
    clock.set(utc("2026-12-10T09:00:00Z"));
  }

  void exec(const std::string& sql) { db->sqlite().exec(sql); }
  void message(std::int64_t contact, const char* status, const char* sent_at, int step = 0) {
    exec("INSERT INTO messages(campaign_id, campaign_version, step, contact_id, status, sent_at, updated_at, urn) "
         "VALUES(1, 1, " + std::to_string(step) + ", " + std::to_string(contact) + ", '" + status + "', " +
         std::to_string(ms(sent_at)) + ", 0, 'tel:+31600000000')");
  }
  void response(std::int64_t contact, const char* at, const char* keyword) {
    static int n = 0;
    exec("INSERT INTO responses(contact_id, channel, urn, provider_message_id, text, keyword, received_at) VALUES(" +
         std::to_string(contact) + ", 'sms', 'tel:x', 'p" + std::to_string(++n) + "', 't', '" + keyword + "', " +
         std::to_string(ms(at)) + ")");
  }
  void contact_log(std::int64_t contact, const char* outcome, const char* at) {
    exec("INSERT INTO contact_logs(contact_id, collector, mode, outcome, at) VALUES(" + std::to_string(contact) +
         ", 'vera', 'phone', '" + outcome + "', " + std::to_string(ms(at)) + ")");
  }
  // A case opened at `opened` (hours after it: acknowledged, first contact; <0: never).
  std::int64_t add_case(std::int64_t contact, const char* code, const char* opened, double ack_h, double contact_h,
                        const std::string& status, const char* routed_by = nullptr, std::int64_t sla_due = 0) {
    const std::int64_t o = ms(opened);
    auto h = [&](double hours) { return std::to_string(o + static_cast<std::int64_t>(hours * 3'600'000)); };
    exec(std::string("INSERT INTO cases(contact_id, municipality_code, status, owner_kind, owner_code, opened_at, "
                     "sla_due_at, acknowledged_at, updated_at, routed_by) VALUES(") +
         std::to_string(contact) + ", '" + code + "', '" + status + "', " +
         (routed_by ? "'hub', 'GM0599'" : std::string("'municipality', '") + code + "'") + ", " + std::to_string(o) +
         ", " + (sla_due ? std::to_string(sla_due) : "NULL") + ", " + (ack_h >= 0 ? h(ack_h) : "NULL") + ", 0, " +
         (routed_by ? std::string("'") + routed_by + "'" : "NULL") + ")");
    const std::int64_t id = db->sqlite().getLastInsertRowid();
    if (contact_h >= 0)
      exec("INSERT INTO case_events(case_id, at, actor, status, owner_code, note) VALUES(" + std::to_string(id) + ", " +
           h(contact_h) + ", 'rotterdam', 'in_contact', '" + code + "', NULL)");
    return id;
  }
  void escalation_event(std::int64_t case_id, const char* at) {
    exec("INSERT INTO case_events(case_id, at, actor, status, owner_code, note) VALUES(" + std::to_string(case_id) +
         ", " + std::to_string(ms(at)) + ", 'system', 'escalated_hub', 'GM0599', 'no_municipal_action')");
  }
  void followup(std::int64_t case_id, std::int64_t contact, const char* code, const char* sent_at, const char* status,
                int score) {
    exec(std::string("INSERT INTO followups(case_id, contact_id, municipality_code, reason, status, due_at, created_at, "
                     "sent_at, answered_at, score) VALUES(") +
         std::to_string(case_id) + ", " + std::to_string(contact) + ", '" + code + "', 'closed', '" + status + "', 0, 0, " +
         std::to_string(ms(sent_at)) + ", " +
         (std::string(status) == "answered" ? std::to_string(ms(sent_at) + 3'600'000) : "NULL") + ", " +
         (score ? std::to_string(score) : "NULL") + ")");
  }
  void error_report(std::int64_t contact, const char* code, const char* opened, const char* due, const char* resolved) {
    exec(std::string("INSERT INTO error_reports(contact_id, municipality_code, reporter_kind, reporter, kind, status, "
                     "opened_at, sla_due_at, resolved_at) VALUES(") +
         std::to_string(contact) + ", '" + code + "', 'person', 'sms', 'wrong_letter', '" +
         (resolved ? "resolved" : "open") + "', " + std::to_string(ms(opened)) + ", " + std::to_string(ms(due)) + ", " +
         (resolved ? std::to_string(ms(resolved)) : "NULL") + ")");
  }

  void seed_rotterdam() {
    const auto& r = rotterdam_;
    // Reached: 8 delivered in the period (R0 twice), R8 undelivered, R9 before the period, R10 a
    // volunteer reached, R11 a volunteer reached and wants help -> 10.
    for (int i = 0; i < 8; ++i) message(r[i], "delivered", "2026-11-03T10:00:00Z");
    message(r[0], "read", "2026-11-10T10:00:00Z", 1);
    message(r[8], "undelivered", "2026-11-03T10:00:00Z");
    message(r[9], "sent", "2026-10-20T10:00:00Z");
    contact_log(r[10], "reached_no_help", "2026-11-05T10:00:00Z");
    contact_log(r[11], "reached_wants_help", "2026-11-05T10:00:00Z");
    // Answered: R0..R5 (R0 twice) -> 6; said yes: R0..R3, plus R11 through the volunteer -> 5.
    for (int i = 0; i < 6; ++i) response(r[i], "2026-11-04T10:00:00Z", i < 4 ? "yes" : "none");
    response(r[0], "2026-11-06T10:00:00Z", "stop");
    response(r[7], "2026-10-04T10:00:00Z", "yes");  // before the period
    // Cases opened in the period: A-D acknowledged after 2, 4, 6, 10 h (A and B in contact after
    // 5 and 30 h); E escalated past its SLA, then acknowledged by the hub after 216 h; F still
    // open past its SLA; G routed to the hub at opening.
    add_case(r[0], "GM0599", "2026-11-04T12:00:00Z", 2, 5, "in_contact");
    add_case(r[1], "GM0599", "2026-11-04T12:00:00Z", 4, 30, "in_contact");
    add_case(r[2], "GM0599", "2026-11-04T12:00:00Z", 6, -1, "acknowledged");
    add_case(r[3], "GM0599", "2026-11-04T12:00:00Z", 10, -1, "acknowledged");
    auto e = add_case(r[11], "GM0599", "2026-11-05T12:00:00Z", 216, -1, "acknowledged");
    escalation_event(e, "2026-11-12T12:00:00Z");
    add_case(r[10], "GM0599", "2026-11-06T12:00:00Z", -1, -1, "open", nullptr, ms("2026-11-13T12:00:00Z"));
    add_case(r[4], "GM0599", "2026-11-07T12:00:00Z", -1, -1, "open", "safety_net", ms("2026-11-14T12:00:00Z"));
    add_case(r[5], "GM0599", "2026-10-07T12:00:00Z", 1, -1, "acknowledged");  // before the period
    // Follow-ups sent in the period: 10; answered 7 (scores 1, 3, 3, 4, 5, 5 and one without a
    // score); one sent in October.
    const std::pair<const char*, int> fus[] = {{"answered", 1}, {"answered", 3}, {"answered", 3}, {"answered", 4},
                                               {"answered", 5}, {"answered", 5}, {"answered", 0}, {"sent", 0},
                                               {"sent", 0},     {"sent", 0},     {"answered", 2}};
    for (std::size_t i = 0; i < std::size(fus); ++i) {
      auto c = add_case(r[6], "GM0599", "2026-09-01T12:00:00Z", 1, -1, "closed");
      followup(c, r[6], "GM0599", i == 10 ? "2026-10-20T12:00:00Z" : "2026-11-20T12:00:00Z", fus[i].first, fus[i].second);
    }
    // Error reports in the period: resolved in time, resolved late, open past its SLA; and one in October.
    error_report(r[0], "GM0599", "2026-11-02T10:00:00Z", "2026-11-04T10:00:00Z", "2026-11-03T10:00:00Z");
    error_report(r[1], "GM0599", "2026-11-02T10:00:00Z", "2026-11-04T10:00:00Z", "2026-11-06T10:00:00Z");
    error_report(r[2], "GM0599", "2026-11-20T10:00:00Z", "2026-11-22T10:00:00Z", nullptr);
    error_report(r[3], "GM0599", "2026-10-20T10:00:00Z", "2026-10-22T10:00:00Z", nullptr);
  }
  void seed_schiedam() {
    message(schiedam_[0], "delivered", "2026-11-03T10:00:00Z");
    add_case(schiedam_[0], "GM0606", "2026-11-28T12:00:00Z", -1, -1, "open", nullptr, ms("2026-12-05T12:00:00Z"));
    auto c1 = add_case(schiedam_[1], "GM0606", "2026-09-01T12:00:00Z", 1, -1, "closed");
    auto c2 = add_case(schiedam_[2], "GM0606", "2026-09-01T12:00:00Z", 1, -1, "closed");
    followup(c1, schiedam_[1], "GM0606", "2026-11-20T12:00:00Z", "answered", 5);
    followup(c2, schiedam_[2], "GM0606", "2026-11-20T12:00:00Z", "sent", 0);
  }

  core::Result<Scorecard> read(const Actor& who, ScorecardRequest req) {
    req.from = utc("2026-11-01T00:00:00Z");
    req.to = utc("2026-12-01T00:00:00Z");
    return Scorecards(*db, clock, config_).read(who, req);
  }
  Scorecard read_ok(ScorecardRequest req) {
    auto s = read(actor_as("amira", PrincipalKind::coordinator), std::move(req));
    if (!s) throw core::ErrorException(s.error());
    return *s;
  }
  static const ScorecardRow& row(const Scorecard& s, const std::string& code) {
    for (const auto& r : s.rows)
      if (r.code == code) return r;
    throw std::runtime_error("no row " + code);
  }
  static std::map<std::string, std::int64_t> shown(const ScorecardRow& r) {
    std::map<std::string, std::int64_t> out;
    for (std::size_t i = 0; i < kFigureCount; ++i) {
      if (!r.cells[i].suppressed) out[figure_name(static_cast<Figure>(i))] = r.cells[i].value;
    }
    return out;
  }

  engine::EngineConfig config_;
  std::vector<std::int64_t> rotterdam_, schiedam_;
};

TEST_F(ScorecardsTest, EveryFigureMatchesTheFixtureToTheUnit) {
  config_.scorecards.small_count_threshold = 1;  // nothing suppressed: the raw figures
  Scorecard s = read_ok({.municipality = "GM0599"});
  ASSERT_EQ(s.rows.size(), 1u);
  const ScorecardRow& r = s.rows[0];
  const std::map<std::string, std::int64_t> expected = {
      {"people_known", 12},     {"people_reached", 10},     {"people_answered", 6},
      {"people_asked_for_help", 5}, {"cases_opened", 7},    {"cases_routed", 1},
      {"cases_acknowledged", 5}, {"cases_in_contact", 2},   {"sla_breaches", 2},
      {"escalations", 1},       {"followups_sent", 10},     {"followups_answered", 7},
      {"score_1", 1},           {"score_2", 0},             {"score_3", 2},
      {"score_4", 1},           {"score_5", 2},             {"followups_answered_without_score", 1},
      {"error_reports_opened", 3}, {"error_reports_past_sla", 2}};
  EXPECT_EQ(shown(r), expected);
  EXPECT_EQ(r.time_to_acknowledge.median_hours, 6.0);
  EXPECT_EQ(r.time_to_acknowledge.p90_hours, 216.0);
  EXPECT_EQ(r.time_to_first_contact.median_hours, 17.5);
  EXPECT_EQ(r.time_to_first_contact.p90_hours, 30.0);
  EXPECT_EQ(r.followup_response_rate, 0.7);
  EXPECT_EQ(core::format_utc(s.as_of), "2026-12-01T00:00:00.000Z");
}

TEST_F(ScorecardsTest, RegionAndNationalRowsAreTheSumsOfTheirMunicipalities) {
  config_.scorecards.small_count_threshold = 1;
  Scorecard s = read_ok({.all = true});
  EXPECT_EQ(row(s, "GM0606").at(Figure::people_known).value, 3);
  EXPECT_EQ(row(s, "GM0606").at(Figure::cases_opened).value, 1);
  EXPECT_EQ(row(s, "GM0606").at(Figure::sla_breaches).value, 0);  // its SLA falls after the period
  EXPECT_EQ(row(s, "rijnmond").at(Figure::people_known).value, 22);
  EXPECT_EQ(row(s, "rijnmond").at(Figure::people_reached).value, 11);
  EXPECT_EQ(row(s, "rijnmond").at(Figure::followups_sent).value, 12);
  EXPECT_EQ(row(s, "rijnmond").at(Figure::score_5).value, 3);
  EXPECT_EQ(row(s, "NL").at(Figure::people_known).value, 28);
  // Members before their region's total; the national row last.
  EXPECT_EQ(s.rows.back().code, "NL");
}

TEST_F(ScorecardsTest, SmallCountsAreShownAsLessThanTheThreshold) {
  Scorecard s = read_ok({.municipality = "GM0599"});  // default threshold 5
  const ScorecardRow& r = s.rows[0];
  EXPECT_EQ(s.small_count_threshold, 5);
  EXPECT_FALSE(r.at(Figure::people_known).suppressed);
  EXPECT_FALSE(r.at(Figure::people_answered).suppressed);
  EXPECT_FALSE(r.at(Figure::people_asked_for_help).suppressed);
  // Rotterdam's 7 cases are hidden too: the region shows 8, Vlaardingen 0, and 8 - 7 would be
  // Schiedam's one case (the same for its 10 follow-ups beside Schiedam's 2).
  EXPECT_TRUE(r.at(Figure::cases_opened).suppressed);
  EXPECT_TRUE(r.at(Figure::followups_sent).suppressed);
  for (Figure f : {Figure::cases_routed, Figure::cases_in_contact, Figure::sla_breaches, Figure::escalations,
                   Figure::score_1, Figure::score_3, Figure::error_reports_opened, Figure::error_reports_past_sla})
    EXPECT_TRUE(r.at(f).suppressed) << figure_name(f);
  EXPECT_FALSE(r.at(Figure::score_2).suppressed);  // 0 is shown
  // Five acknowledgements: the median shows; two first contacts: hidden.
  EXPECT_EQ(r.time_to_acknowledge.median_hours, 6.0);
  EXPECT_TRUE(r.time_to_first_contact.suppressed);
  EXPECT_FALSE(r.time_to_first_contact.median_hours.has_value());
  const std::string csv = scorecard_csv(s);
  EXPECT_NE(csv.find(",<5,"), std::string::npos);
  auto j = nlohmann::json::parse(scorecard_json(s));
  EXPECT_TRUE(j["rows"][0]["figures"]["sla_breaches"].is_null());
  EXPECT_EQ(j["rows"][0]["figures"]["people_known"], 12);
  EXPECT_NE(j["rows"][0]["suppressed"].dump().find("time_to_first_contact_median_hours"), std::string::npos);
}

TEST_F(ScorecardsTest, NoHiddenCellCanBeRecomputedFromATotal) {
  Scorecard s = read_ok({.all = true});
  // Schiedam's 3 known people would be 22 - 12 - 7: Vlaardingen's 7 is hidden as well.
  EXPECT_TRUE(row(s, "GM0606").at(Figure::people_known).suppressed);
  EXPECT_TRUE(row(s, "GM0622").at(Figure::people_known).suppressed);
  EXPECT_EQ(row(s, "rijnmond").at(Figure::people_known).value, 22);
  // Whatever a reader subtracts -- a region minus its shown members, the nation minus the shown
  // regions, the answered follow-ups minus the shown scores -- leaves 0 or at least 5.
  std::map<std::string, std::vector<const ScorecardRow*>> members;
  for (const auto& r : s.rows)
    if (r.level == "municipality") members[r.region].push_back(&r);
  auto check = [&](const ScorecardRow& total, const std::vector<const ScorecardRow*>& parts, Figure f) {
    if (total.at(f).suppressed) return;
    std::int64_t rest = total.at(f).value;
    for (const auto* p : parts)
      if (!p->at(f).suppressed) rest -= p->at(f).value;
    EXPECT_TRUE(rest == 0 || rest >= 5) << total.code << " " << figure_name(f) << " leaves " << rest;
  };
  std::vector<const ScorecardRow*> regions;
  for (const auto& r : s.rows) {
    if (r.level == "region") regions.push_back(&r);
  }
  for (std::size_t i = 0; i < kFigureCount; ++i) {
    const Figure f = static_cast<Figure>(i);
    for (const auto* reg : regions) check(*reg, members[reg->code], f);
    check(row(s, "NL"), regions, f);
  }
  for (const auto& r : s.rows) {
    if (r.at(Figure::followups_answered).suppressed) continue;
    std::int64_t rest = r.at(Figure::followups_answered).value;
    for (Figure f : {Figure::score_1, Figure::score_2, Figure::score_3, Figure::score_4, Figure::score_5,
                     Figure::followups_answered_without_score})
      if (!r.at(f).suppressed) rest -= r.at(f).value;
    EXPECT_TRUE(rest == 0 || rest >= 5) << r.code << " follow-up scores leave " << rest;
  }
  // Every view shows the same cells: Vlaardingen alone is hidden as in the national table.
  auto alone = read_ok({.municipality = "GM0622"});
  EXPECT_TRUE(alone.rows[0].at(Figure::people_known).suppressed);
}

TEST_F(ScorecardsTest, SuppressionHidesASecondCellWhenOneCouldBeWorkedOut) {
  // total 20 = 12 + 3 + 5: the 3 alone would be 20 - 12 - 5.
  std::vector<Cell> cells = {{20, false}, {12, false}, {3, false}, {5, false}};
  std::vector<AdditiveGroup> groups = {{0, {1, 2, 3}}};
  suppress_small_counts(cells, groups, 5);
  EXPECT_TRUE(cells[2].suppressed);
  EXPECT_TRUE(cells[3].suppressed);  // the smallest shown non-zero part
  EXPECT_FALSE(cells[1].suppressed);
  EXPECT_FALSE(cells[0].suppressed);
  for (auto r : recomputable_residuals(cells, groups)) EXPECT_TRUE(r == 0 || r >= 5) << r;
  // Two small cells whose sum is still small: 1 + 2 = 3 < 5, a third goes.
  cells = {{10, false}, {1, false}, {2, false}, {7, false}};
  suppress_small_counts(cells, groups, 5);
  EXPECT_TRUE(cells[3].suppressed);
  // Nothing to hide behind: the total goes.
  cells = {{4, false}, {0, false}, {4, false}, {0, false}};
  suppress_small_counts(cells, groups, 5);
  EXPECT_TRUE(cells[0].suppressed);
  EXPECT_FALSE(cells[1].suppressed);
}

TEST_F(ScorecardsTest, AMunicipalityReadsOnlyItsOwnScorecard) {
  auto schiedam = actor_as("schiedam", PrincipalKind::municipality, "GM0606");
  EXPECT_TRUE(read(schiedam, {.municipality = "GM0606"}).ok());
  auto other = read(schiedam, {.municipality = "GM0599"});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, core::ErrorCode::forbidden);
  EXPECT_EQ(read(schiedam, {.region = "rijnmond"}).error().code, core::ErrorCode::forbidden);
  EXPECT_EQ(read(schiedam, {.all = true}).error().code, core::ErrorCode::forbidden);
  // An unknown code looks the same as another's: forbidden, not "unknown".
  EXPECT_EQ(read(schiedam, {.municipality = "GM9999"}).error().code, core::ErrorCode::forbidden);
}

TEST_F(ScorecardsTest, AHubReadsItsRegionAndTheNationalTeamEverything) {
  auto hub = actor_as("rotterdam-hub", PrincipalKind::regional_hub, "rijnmond");
  auto region = read(hub, {.region = "rijnmond"});
  ASSERT_TRUE(region.ok()) << region.error().what();
  ASSERT_EQ(region->rows.size(), 4u);  // three members, then the region's total
  EXPECT_EQ(region->rows.back().level, "region");
  EXPECT_TRUE(read(hub, {.municipality = "GM0606"}).ok());
  EXPECT_EQ(read(hub, {.municipality = "GM0363"}).error().code, core::ErrorCode::forbidden);
  EXPECT_EQ(read(hub, {.region = "amstelland"}).error().code, core::ErrorCode::forbidden);
  EXPECT_EQ(read(hub, {.all = true}).error().code, core::ErrorCode::forbidden);
  EXPECT_TRUE(read(actor_as("nat", PrincipalKind::national_fallback), {.all = true}).ok());
  EXPECT_EQ(read(actor_as("vera", PrincipalKind::volunteer, "GM0599"), {.municipality = "GM0599"}).error().code,
            core::ErrorCode::forbidden);
  int audited = 0;
  storage::AuditLog(*db).for_each([&](const storage::AuditRecord& a) { audited += a.action == "scorecards.read"; });
  EXPECT_EQ(audited, 3);
}

TEST_F(ScorecardsTest, ThePeriodAndTheScopeAreChecked) {
  auto coordinator = actor_as("amira", PrincipalKind::coordinator);
  EXPECT_EQ(read(coordinator, {}).error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(read(coordinator, {.municipality = "GM0599", .all = true}).error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(std::string(read(coordinator, {.municipality = "GM9999"}).error().what()),
            "municipality: unknown municipality 'GM9999'");
  ScorecardRequest backwards{.municipality = "GM0599", .from = utc("2026-12-01T00:00:00Z"), .to = utc("2026-11-01T00:00:00Z")};
  EXPECT_EQ(Scorecards(*db, clock, config_).read(coordinator, backwards).error().code, core::ErrorCode::invalid_input);
}

TEST(ScorecardPercentiles, NearestRankAndMedianOfAnEvenCount) {
  const std::int64_t h = 3'600'000;
  EXPECT_EQ(median_hours({1 * h, 3 * h}), 2.0);
  EXPECT_EQ(median_hours({5 * h, 1 * h, 3 * h}), 3.0);
  EXPECT_EQ(percentile_hours({1 * h, 2 * h, 3 * h, 4 * h, 5 * h, 6 * h, 7 * h, 8 * h, 9 * h, 10 * h}, 0.9), 9.0);
  EXPECT_EQ(percentile_hours({1 * h}, 0.9), 1.0);
  EXPECT_FALSE(median_hours({}).has_value());
}

}  // namespace
}  // namespace outreach::services
