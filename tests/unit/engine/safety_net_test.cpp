// The safety net: a municipality that leaves its cases past the SLA is flagged with the evidence,
// its NEW cases go to the regional hub (notices to everyone involved, audit records), and it can
// take them back; inactivity is flagged; a small municipality delegates to its hub.
#include "engine/safety_net.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "engine/engine_config.h"
#include "engine/escalation.h"
#include "engine/inbound.h"
#include "services/safety_net.h"
#include "storage/audit_log.h"
#include "storage/case_routes.h"
#include "storage/case_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/notice_queue.h"
#include "storage/safety_flags.h"
#include "tests/support/actors.h"

namespace outreach::engine {
namespace {

using storage::PrincipalKind;
using test::actor_as;
const auto kDay = std::chrono::hours(24);

class SafetyNetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = storage::Database::open(":memory:").take();
    storage::MunicipalityStore m(*db_);
    ASSERT_TRUE(m.upsert_region({"rijnmond", "Rijnmond", "GM0599"}).ok());
    ASSERT_TRUE(m.upsert({"GM0599", "Rotterdam", "rijnmond"}).ok());
    ASSERT_TRUE(m.upsert({"GM0606", "Schiedam", "rijnmond"}).ok());
    ASSERT_TRUE(m.upsert({"GM0489", "Barendrecht", "rijnmond"}).ok());
    config_ = sandbox_config();
    config_.safety_net.defaults.no_outreach.enabled = false;  // one rule at a time
    for (const char* owner : {"GM0599", "GM0606", "GM0489", "national"})
      config_.owner_notifications[owner] = {"http://127.0.0.1:9/" + std::string(owner), "0123456789abcdef", true};
  }
  std::int64_t contact(const std::string& code) {
    storage::Contact c;
    c.name = "Parent " + code;
    c.municipality = code;
    return storage::ContactStore(*db_).add(c, clock_.now()).take();
  }
  std::int64_t open_case(const std::string& code) {
    return storage::CaseStore(*db_).open(contact(code), code, std::nullopt, clock_.now(),
                                         add_working_days(clock_.now(), config_.case_sla_working_days), "inbound").take();
  }
  storage::Case get(std::int64_t id) { return storage::CaseStore(*db_).get(id).take(); }
  int audits(const std::string& action) {
    int n = 0;
    storage::AuditLog(*db_).for_each([&](const storage::AuditRecord& a) { n += a.action == action; });
    return n;
  }
  std::vector<std::string> notice_owners(const std::string& event) {
    std::vector<std::string> out;
    SQLite::Statement st(db_->sqlite(), "SELECT owner FROM notices WHERE event = ? ORDER BY owner");
    st.bind(1, event);
    while (st.executeStep()) out.push_back(st.getColumn(0).getString());
    return out;
  }
  // Schiedam opens `n` cases and nobody acknowledges them: the escalator moves them to the hub.
  void schiedam_ignores(int n) {
    for (int i = 0; i < n; ++i) open_case("GM0606");
    clock_.advance(8 * kDay);
    Escalator(*db_, clock_, config_).run_due(clock_.now());
  }

  core::ManualClock clock_{core::from_millis(1795000000000)};  // a Wednesday in November 2026
  std::unique_ptr<storage::Database> db_;
  EngineConfig config_;
};

TEST_F(SafetyNetTest, AMunicipalityLeavingCasesPastTheSlaIsFlaggedAndItsNewCasesGoToTheHub) {
  schiedam_ignores(5);
  SafetyNet net(*db_, clock_, config_);
  auto report = net.run_due(clock_.now());
  EXPECT_EQ(report.raised, 1);
  EXPECT_EQ(report.routed, 1);
  auto flags = storage::SafetyFlags(*db_).list(false).take();
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].municipality, "GM0606");
  EXPECT_EQ(flags[0].rule, "unacknowledged_past_sla");
  EXPECT_EQ(flags[0].action, "route_hub");
  EXPECT_EQ(flags[0].evidence,
            R"({"window_days":28.0,"cases_due":5,"missed_sla":5,"share_missed":1.0,"min_count":5,"min_share":0.3,"min_due":5})");
  // Everyone involved is told, once each; the flag and the route are audited.
  EXPECT_EQ(notice_owners("municipality.routed"), (std::vector<std::string>{"GM0599", "GM0606", "national"}));
  EXPECT_EQ(audits("safety_net.flag"), 1);
  EXPECT_EQ(audits("safety_net.route"), 1);
  // The next case of a Schiedam resident goes straight to Rotterdam, the hub, with the SLA.
  const auto routed = get(open_case("GM0606"));
  EXPECT_EQ(routed.status, "open");
  EXPECT_EQ(routed.owner_kind, "hub");
  EXPECT_EQ(routed.owner_code, "GM0599");
  EXPECT_TRUE(routed.sla_due_at.has_value());
  EXPECT_EQ(storage::CaseStore(*db_).history(routed.id).front().note, "routed:safety_net");
  // Other municipalities' cases are untouched; a second run changes nothing.
  EXPECT_EQ(get(open_case("GM0489")).owner_code, "GM0489");
  auto again = net.run_due(clock_.now());
  EXPECT_EQ(again.raised + again.routed, 0);
  EXPECT_EQ(again.refreshed, 1);
  EXPECT_EQ(notice_owners("municipality.routed").size(), 3u);
}

TEST_F(SafetyNetTest, ARoutedCaseTheHubLeavesGoesOnToTheFallback) {
  schiedam_ignores(5);
  SafetyNet(*db_, clock_, config_).run_due(clock_.now());
  const auto id = open_case("GM0606");
  clock_.advance(8 * kDay);
  auto r = Escalator(*db_, clock_, config_).run_due(clock_.now());
  EXPECT_EQ(r.to_fallback, 6);  // with the five the hub got by escalation
  EXPECT_EQ(r.to_hub, 0);
  EXPECT_EQ(get(id).status, "escalated_fallback");
  EXPECT_EQ(get(id).owner_code, "national");
}

TEST_F(SafetyNetTest, TheMunicipalityTakesItsCasesBack) {
  schiedam_ignores(5);
  SafetyNet net(*db_, clock_, config_);
  net.run_due(clock_.now());
  const auto routed = open_case("GM0606");
  const auto picked_up = open_case("GM0606");
  storage::CaseStore(*db_).set_status(picked_up, "acknowledged", "rotterdam.wijkteam", clock_.now()).take();
  services::SafetyNetDesk desk(*db_, clock_, config_);

  // Rotterdam cannot decide for Schiedam, nor can a volunteer.
  EXPECT_EQ(desk.take_back(actor_as("rotterdam", PrincipalKind::municipality, "GM0599"), "GM0606").error().code,
            core::ErrorCode::forbidden);
  EXPECT_EQ(desk.take_back(actor_as("vera", PrincipalKind::volunteer, "GM0606"), "GM0606").error().code,
            core::ErrorCode::forbidden);

  clock_.advance(kDay);
  auto back = desk.take_back(actor_as("schiedam", PrincipalKind::municipality, "GM0606"), "GM0606");
  ASSERT_TRUE(back.ok()) << back.error().what();
  EXPECT_TRUE(back->route_lifted);
  EXPECT_EQ(back->was_routed_to, "GM0599");
  EXPECT_EQ(back->cases_back.size(), 6u);  // the routed one and the five escalated ones
  EXPECT_EQ(back->flags_cleared, 1);
  const auto c = get(routed);
  EXPECT_EQ(c.status, "open");
  EXPECT_EQ(c.owner_kind, "municipality");
  EXPECT_EQ(c.owner_code, "GM0606");
  EXPECT_EQ(*c.sla_due_at, add_working_days(clock_.now(), config_.case_sla_working_days));
  EXPECT_EQ(get(picked_up).owner_code, "GM0599");  // the family keeps the handler who picked it up
  EXPECT_EQ(get(open_case("GM0606")).owner_code, "GM0606");
  EXPECT_EQ(notice_owners("municipality.taken_back"), (std::vector<std::string>{"GM0599", "GM0606", "national"}));
  EXPECT_EQ(audits("safety_net.take_back"), 1);
  EXPECT_EQ(audits("cases.take_back"), 6);
  EXPECT_TRUE(storage::SafetyFlags(*db_).list(false).take().empty());
  // Misses before the take-back no longer count, so the next run does not route again.
  auto report = net.run_due(clock_.now());
  EXPECT_EQ(report.raised, 0);
  EXPECT_FALSE(storage::CaseRoutes(*db_).active("GM0606").take().has_value());
  // Nothing left to take back.
  EXPECT_EQ(desk.take_back(actor_as("schiedam", PrincipalKind::municipality, "GM0606"), "GM0606").error().code,
            core::ErrorCode::conflict);
}

TEST_F(SafetyNetTest, AShareOfMissedCasesCountsOnceEnoughCasesCameDue) {
  UnacknowledgedRule rule;  // defaults: 5 missed, or 30% of at least 5 due
  EXPECT_FALSE(unacknowledged_holds(rule, {.missed = 1, .met = 2}));   // 33%, but only 3 due
  EXPECT_TRUE(unacknowledged_holds(rule, {.missed = 2, .met = 4}));    // 33% of 6
  EXPECT_FALSE(unacknowledged_holds(rule, {.missed = 2, .met = 8}));   // 20%
  EXPECT_TRUE(unacknowledged_holds(rule, {.missed = 5, .met = 100}));  // the count alone
  rule.enabled = false;
  EXPECT_FALSE(unacknowledged_holds(rule, {.missed = 50, .met = 0}));
}

TEST_F(SafetyNetTest, NoOutreachWhilePeopleAreKnownIsFlaggedAndClearedWhenSomethingHappens) {
  config_.safety_net.defaults.unacknowledged.enabled = false;
  config_.safety_net.defaults.no_outreach.enabled = true;
  contact("GM0489");
  contact("GM0489");
  SafetyNet net(*db_, clock_, config_);
  EXPECT_EQ(net.run_due(clock_.now()).raised, 0);  // known for less than the quiet period
  clock_.advance(29 * kDay);
  EXPECT_EQ(net.run_due(clock_.now()).raised, 1);
  auto flags = storage::SafetyFlags(*db_).list(false).take();
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].municipality, "GM0489");
  EXPECT_EQ(flags[0].action, "flag_only");  // by default this rule does not route
  EXPECT_EQ(flags[0].evidence,
            R"({"quiet_days":28.0,"people_known":2,"messages_sent":0,"contact_logs":0,"case_actions":0,"min_people":1})");
  EXPECT_FALSE(storage::CaseRoutes(*db_).active("GM0489").take().has_value());
  // A volunteer reaches someone: the rule no longer holds, the flag is cleared (and audited).
  db_->sqlite().exec("INSERT INTO contact_logs(contact_id, collector, mode, outcome, at) SELECT id, 'vera', 'phone', "
                  "'reached_no_help', " + std::to_string(core::to_millis(clock_.now())) +
                  " FROM contacts WHERE municipality_code = 'GM0489' LIMIT 1");
  EXPECT_EQ(net.run_due(clock_.now()).cleared, 1);
  EXPECT_EQ(audits("safety_net.clear"), 1);
  EXPECT_EQ(storage::SafetyFlags(*db_).list(true).take().front().status, "cleared");
}

TEST_F(SafetyNetTest, TheHubItselfIsRoutedToTheNationalFallbackWithoutSla) {
  for (int i = 0; i < 5; ++i) open_case("GM0599");
  clock_.advance(8 * kDay);
  Escalator(*db_, clock_, config_).run_due(clock_.now());  // the hub's own cases go to the fallback
  EXPECT_EQ(SafetyNet(*db_, clock_, config_).run_due(clock_.now()).routed, 1);
  const auto c = get(open_case("GM0599"));
  EXPECT_EQ(c.owner_kind, "fallback");
  EXPECT_EQ(c.owner_code, "national");
  EXPECT_FALSE(c.sla_due_at.has_value());
  EXPECT_EQ(storage::SafetyFlags(*db_).list(false).take().front().action, "route_fallback");
}

TEST_F(SafetyNetTest, ASmallMunicipalityDelegatesToItsHubFromTheStart) {
  config_.safety_net.delegated = {"GM0489"};
  SafetyNet net(*db_, clock_, config_);
  EXPECT_EQ(net.run_due(clock_.now()).delegated, 1);
  EXPECT_EQ(net.run_due(clock_.now()).delegated, 0);
  const auto c = get(open_case("GM0489"));
  EXPECT_EQ(c.owner_code, "GM0599");
  EXPECT_EQ(audits("safety_net.delegate"), 1);
  services::SafetyNetDesk desk(*db_, clock_, config_);
  ASSERT_TRUE(desk.take_back(actor_as("barendrecht", PrincipalKind::municipality, "GM0489"), "GM0489").ok());
  EXPECT_EQ(get(c.id).owner_code, "GM0489");
  // Taking back ends a configured delegation for good.
  EXPECT_EQ(net.run_due(clock_.now()).delegated, 0);
  EXPECT_EQ(get(open_case("GM0489")).owner_code, "GM0489");
  // By command: the municipality itself or a coordinator; never another municipality.
  EXPECT_EQ(desk.delegate(actor_as("schiedam", PrincipalKind::municipality, "GM0606"), "GM0489").error().code,
            core::ErrorCode::forbidden);
  auto d = desk.delegate(actor_as("barendrecht", PrincipalKind::municipality, "GM0489"), "GM0489");
  ASSERT_TRUE(d.ok()) << d.error().what();
  EXPECT_EQ(d->owner_code, "GM0599");
  EXPECT_EQ(desk.delegate(actor_as("amira", PrincipalKind::coordinator), "GM0489").error().code,
            core::ErrorCode::conflict);
  EXPECT_EQ(desk.delegate(actor_as("amira", PrincipalKind::coordinator), "GM0599").error().what(),
            "municipality: GM0599 has no regional hub other than itself to delegate to");
}

TEST_F(SafetyNetTest, TheNationalTeamSeesTheFlagsAndAHubThoseOfItsRegion) {
  schiedam_ignores(5);
  SafetyNet(*db_, clock_, config_).run_due(clock_.now());
  services::SafetyNetDesk desk(*db_, clock_, config_);
  EXPECT_EQ(desk.flags(actor_as("amira", PrincipalKind::coordinator), false).take().size(), 1u);
  EXPECT_EQ(desk.flags(actor_as("nat", PrincipalKind::national_fallback), false).take().size(), 1u);
  EXPECT_EQ(desk.flags(actor_as("hub", PrincipalKind::regional_hub, "rijnmond"), false).take().size(), 1u);
  EXPECT_TRUE(desk.flags(actor_as("hub", PrincipalKind::regional_hub, "elsewhere"), false).take().empty());
  EXPECT_EQ(desk.flags(actor_as("schiedam", PrincipalKind::municipality, "GM0606"), false).error().code,
            core::ErrorCode::forbidden);
  auto routes = desk.routes(actor_as("amira", PrincipalKind::coordinator)).take();
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].municipality, "GM0606");
}

}  // namespace
}  // namespace outreach::engine
