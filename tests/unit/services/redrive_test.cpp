// Redrive: resending what is in doubt is a coordinator's or operator's audited decision.
#include "services/redrive.h"

#include <gtest/gtest.h>

#include "storage/notice_queue.h"
#include "tests/support/actors.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

class RedriveTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    for (int i = 1; i <= 3; ++i) person(i);
    launch(campaign_yaml("doubt", one_step()));
    db->sqlite().exec("UPDATE messages SET status = 'unknown', reason = 'no answer after the request was sent' "
                   "WHERE id IN (SELECT id FROM messages ORDER BY id LIMIT 2)");
  }
  services::Redrive redrive() { return services::Redrive(*db, clock); }
};

TEST_F(RedriveTest, ACoordinatorQueuesTheUnknownAgainAndLearnsWhyTheyWereInDoubt) {
  auto r = redrive().messages(test::actor("amira"), "doubt", {});
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->queued, 2);
  ASSERT_EQ(r->reasons.size(), 1u);
  EXPECT_EQ(r->reasons[0], (std::pair<std::string, std::int64_t>{"no answer after the request was sent", 2}));
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE status = 'unknown'"), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'messages.redrive' AND actor = 'amira' "
                    "AND subject = 'campaign:doubt'"),
            1);
}

TEST_F(RedriveTest, AVolunteerOrAnApproverCannotResendAndNothingChanges) {
  for (const auto& who : {actor_as("vera", storage::PrincipalKind::volunteer, "GM0599"), test::actor("joost")}) {
    auto r = redrive().messages(who, "doubt", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::forbidden);
  }
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE status = 'unknown'"), 2);
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'messages.redrive'"), 0);
}

TEST_F(RedriveTest, NothingNamedIsRefusedAndAnUnknownCampaignIsNotFound) {
  auto none = redrive().messages(test::actor("amira"), "", {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, core::ErrorCode::invalid_input);
  auto missing = redrive().messages(test::actor("amira"), "no-such-campaign", {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE status = 'unknown'"), 2);
}

TEST_F(RedriveTest, ANoticeInDoubtIsSentAgainOnlyByAnAuditedDecision) {
  storage::NoticeQueue q(*db);
  storage::Notice n;
  n.delivery_id = "case-1-opened";
  n.case_id = 1;
  n.event = "case.opened";
  n.owner = "GM0599";
  n.payload = "{}";
  n.receiver_dedupes = false;
  n.due_at = clock.now();
  ASSERT_TRUE(q.enqueue(n, clock.now()));
  const auto id = q.get("case-1-opened").take().id;
  ASSERT_TRUE(q.mark_sending(id, clock.now()).take());
  ASSERT_EQ(q.recover(clock.now()).take().unknown, 1);

  auto refused = redrive().notices(actor_as("gm", storage::PrincipalKind::municipality, "GM0599"), {id});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::forbidden);
  EXPECT_EQ(q.get("case-1-opened").take().status, storage::NoticeStatus::unknown);

  auto r = redrive().notices(test::actor("amira"), {id});
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(*r, 1);
  EXPECT_EQ(q.get("case-1-opened").take().status, storage::NoticeStatus::pending);
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'notices.redrive' AND actor = 'amira' AND subject = 'notices:" +
                    std::to_string(id) + "'"),
            1);
}

}  // namespace
}  // namespace outreach::test
