#include "engine/escalation.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "engine/engine_config.h"
#include "engine/escalation_notifier.h"
#include "storage/audit_log.h"
#include "storage/case_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"

namespace outreach::engine {

namespace {
struct FakeNotifier : EscalationNotifier {
  void notify(const EscalationNotice& n) override { notices.push_back(n); }
  std::vector<EscalationNotice> notices;
};
struct ThrowingNotifier : EscalationNotifier {
  void notify(const EscalationNotice&) override { throw std::runtime_error("boom"); }
};
}  // namespace

class EscalationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = storage::Database::open(":memory:").take();
    storage::MunicipalityStore m(*db_);
    ASSERT_TRUE(m.upsert_region({"rijnmond", "Rijnmond", "GM0599"}).ok());
    ASSERT_TRUE(m.upsert({"GM0599", "Rotterdam", "rijnmond"}).ok());
    ASSERT_TRUE(m.upsert({"GM0606", "Schiedam", "rijnmond"}).ok());
    ASSERT_TRUE(m.upsert({"GM0363", "Amsterdam", ""}).ok());
    config_ = sandbox_config();
  }
  std::int64_t open_case(const std::string& code, core::Millis sla) {
    storage::Contact c;
    c.name = "Test " + code;
    c.municipality = code;
    auto contact = storage::ContactStore(*db_).add(c, clock_.now()).take();
    return storage::CaseStore(*db_).open(contact, code, std::nullopt, clock_.now(), clock_.now() + sla, "test").take();
  }
  storage::Case get(std::int64_t id) { return storage::CaseStore(*db_).get(id).take(); }

  core::ManualClock clock_{core::from_millis(1795000000000)};  // a Wednesday
  std::unique_ptr<storage::Database> db_;
  EngineConfig config_;
};

TEST_F(EscalationTest, NothingMovesBeforeTheSla) {
  open_case("GM0606", std::chrono::hours(48));
  Escalator e(*db_, clock_, config_);
  auto r = e.run_due(clock_.now() + std::chrono::hours(47));
  EXPECT_EQ(r.to_hub + r.to_fallback, 0);
}

TEST_F(EscalationTest, MemberGoesToHubThenToFallback) {
  auto id = open_case("GM0606", std::chrono::hours(48));
  Escalator e(*db_, clock_, config_);
  clock_.advance(std::chrono::hours(49));
  auto r = e.run_due(clock_.now());
  EXPECT_EQ(r.to_hub, 1);
  storage::Case c = get(id);
  EXPECT_EQ(c.status, "escalated_hub");
  EXPECT_EQ(c.owner_kind, "hub");
  EXPECT_EQ(c.owner_code, "GM0599");
  ASSERT_TRUE(c.sla_due_at.has_value());
  EXPECT_EQ(e.run_due(clock_.now()).to_fallback, 0);  // the hub has its own SLA
  clock_.set(*c.sla_due_at);
  EXPECT_EQ(e.run_due(clock_.now()).to_fallback, 1);
  c = get(id);
  EXPECT_EQ(c.status, "escalated_fallback");
  EXPECT_EQ(c.owner_kind, "fallback");
  EXPECT_EQ(c.owner_code, "national");
  EXPECT_EQ(e.run_due(clock_.now() + std::chrono::hours(24 * 365)).to_fallback, 0);
  int audited = 0;
  storage::AuditLog(*db_).for_each([&](const storage::AuditRecord& a) { audited += a.action == "cases.escalate"; });
  EXPECT_EQ(audited, 2);
  EXPECT_TRUE(storage::AuditLog(*db_).verify().ok());
}

TEST_F(EscalationTest, NoRegionOrHubItselfGoesStraightToFallback) {
  auto amsterdam = open_case("GM0363", std::chrono::hours(1));
  auto rotterdam = open_case("GM0599", std::chrono::hours(1));
  Escalator e(*db_, clock_, config_);
  auto r = e.run_due(clock_.now() + std::chrono::hours(2));
  EXPECT_EQ(r.to_fallback, 2);
  EXPECT_EQ(get(amsterdam).status, "escalated_fallback");
  EXPECT_EQ(get(rotterdam).owner_code, "national");
}

TEST_F(EscalationTest, AcknowledgedCasesStay) {
  auto id = open_case("GM0606", std::chrono::hours(1));
  ASSERT_TRUE(storage::CaseStore(*db_).set_status(id, "acknowledged", "gm0606", clock_.now()).ok());
  Escalator e(*db_, clock_, config_);
  EXPECT_EQ(e.run_due(clock_.now() + std::chrono::hours(100)).to_hub, 0);
  EXPECT_EQ(get(id).status, "acknowledged");
}

TEST_F(EscalationTest, EachMoveIsNotifiedToTheNewOwner) {
  auto id = open_case("GM0606", std::chrono::hours(48));
  Escalator e(*db_, clock_, config_);
  FakeNotifier n;
  e.set_notifier(&n);
  ASSERT_EQ(e.run_due(clock_.now()).opened_notified, 1);  // the new case itself, to Schiedam
  n.notices.clear();
  clock_.advance(std::chrono::hours(49));
  ASSERT_EQ(e.run_due(clock_.now()).to_hub, 1);
  ASSERT_EQ(n.notices.size(), 1u);
  EXPECT_EQ(n.notices[0].case_id, id);
  EXPECT_EQ(n.notices[0].municipality, "GM0606");
  EXPECT_EQ(n.notices[0].from_owner, "GM0606");
  EXPECT_EQ(n.notices[0].to_owner, "GM0599");
  EXPECT_EQ(n.notices[0].to_kind, "hub");
  EXPECT_EQ(n.notices[0].status, "escalated_hub");
  EXPECT_EQ(n.notices[0].reason, "no_municipal_action");
  EXPECT_EQ(n.notices[0].at, clock_.now());
  e.run_due(clock_.now());  // nothing moves: nobody is notified again
  EXPECT_EQ(n.notices.size(), 1u);
  clock_.set(*get(id).sla_due_at);
  ASSERT_EQ(e.run_due(clock_.now()).to_fallback, 1);
  ASSERT_EQ(n.notices.size(), 2u);
  EXPECT_EQ(n.notices[1].from_owner, "GM0599");
  EXPECT_EQ(n.notices[1].to_owner, "national");
  EXPECT_EQ(n.notices[1].to_kind, "fallback");
  EXPECT_EQ(n.notices[1].status, "escalated_fallback");
}

TEST_F(EscalationTest, NewCaseIsNotifiedToItsMunicipalityOnce) {
  const auto opened = clock_.now();
  auto id = open_case("GM0599", std::chrono::hours(48));
  Escalator e(*db_, clock_, config_);
  e.run_due(clock_.now());  // no notifier: nothing is told, and nothing is marked as told
  FakeNotifier n;
  e.set_notifier(&n);
  clock_.advance(std::chrono::minutes(1));
  EXPECT_EQ(e.run_due(clock_.now()).opened_notified, 1);
  ASSERT_EQ(n.notices.size(), 1u);
  EXPECT_EQ(n.notices[0].case_id, id);
  EXPECT_EQ(n.notices[0].to_owner, "GM0599");
  EXPECT_EQ(n.notices[0].to_kind, "municipality");
  EXPECT_EQ(n.notices[0].status, "open");
  EXPECT_EQ(n.notices[0].at, opened);
  EXPECT_EQ(e.run_due(clock_.now()).opened_notified, 0);  // recorded in the case: once, across restarts
  Escalator restarted(*db_, clock_, config_);
  restarted.set_notifier(&n);
  restarted.run_due(clock_.now());
  EXPECT_EQ(n.notices.size(), 1u);
  const std::string json = escalation_notice_json(n.notices[0]);
  EXPECT_NE(json.find("\"opened_at\":"), std::string::npos) << json;
  EXPECT_NE(json.find("\"owner\":\"GM0599\""), std::string::npos) << json;
}

TEST_F(EscalationTest, AcknowledgedCaseNotifiesNobody) {
  auto id = open_case("GM0606", std::chrono::hours(1));
  ASSERT_TRUE(storage::CaseStore(*db_).set_status(id, "acknowledged", "gm0606", clock_.now()).ok());
  Escalator e(*db_, clock_, config_);
  FakeNotifier n;
  e.set_notifier(&n);
  e.run_due(clock_.now() + std::chrono::hours(100));
  EXPECT_TRUE(n.notices.empty());
}

TEST_F(EscalationTest, ThrowingNotifierDoesNotStopTheEscalation) {
  auto a = open_case("GM0363", std::chrono::hours(1));
  auto b = open_case("GM0606", std::chrono::hours(1));
  Escalator e(*db_, clock_, config_);
  ThrowingNotifier n;
  e.set_notifier(&n);
  auto r = e.run_due(clock_.now() + std::chrono::hours(2));
  EXPECT_EQ(r.to_hub + r.to_fallback, 2);
  EXPECT_EQ(r.failed, 0);
  EXPECT_EQ(get(a).status, "escalated_fallback");
  EXPECT_EQ(get(b).status, "escalated_hub");
}

TEST(EscalationNoticeJson, HoldsCaseAndMunicipalityOnly) {
  EscalationNotice n{42, "GM0606", "GM0606", "GM0599", "hub", "escalated_hub", core::from_millis(1795000000000),
                     "no_municipal_action"};
  const std::string json = escalation_notice_json(n);
  EXPECT_NE(json.find("\"case_id\":42"), std::string::npos) << json;
  EXPECT_NE(json.find("\"municipality\":\"GM0606\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"to_owner\":\"GM0599\""), std::string::npos) << json;
  for (const char* personal : {"name", "phone", "email", "address", "urn"})
    EXPECT_EQ(json.find(personal), std::string::npos) << personal << " in " << json;
}

}  // namespace outreach::engine
