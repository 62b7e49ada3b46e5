#include "campaigns/lifecycle.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

namespace outreach::campaigns {
namespace {

using S = CampaignState;
const S kAll[] = {S::draft, S::in_review, S::approved, S::running, S::paused, S::completed, S::cancelled};

std::string check(S from, S to, const std::string& author = "alice", const std::string& actor = "bob") {
  auto st = check_transition(from, to, author, actor);
  return st ? "ok" : st.error().what();
}

TEST(Lifecycle, AllowedTransitionsAreExactlyTheMachine) {
  const std::set<std::pair<S, S>> allowed = {
      {S::draft, S::in_review},     {S::in_review, S::approved}, {S::in_review, S::draft},
      {S::approved, S::running},    {S::running, S::paused},     {S::paused, S::running},
      {S::running, S::completed},   {S::running, S::cancelled},  {S::paused, S::completed},
      {S::paused, S::cancelled},    {S::draft, S::cancelled},    {S::in_review, S::cancelled},
      {S::approved, S::cancelled}};
  for (S from : kAll) {
    for (S to : kAll) {
      EXPECT_EQ(check_transition(from, to, "alice", "bob").ok(), allowed.count({from, to}) > 0)
          << to_string(from) << " -> " << to_string(to);
    }
  }
}

TEST(Lifecycle, RefusalNamesBothStates) {
  EXPECT_EQ(check(S::running, S::draft), "campaign state: a campaign cannot go from running to draft");
  EXPECT_EQ(check(S::draft, S::running), "campaign state: a campaign cannot go from draft to running");
  EXPECT_EQ(check(S::completed, S::running), "campaign state: a campaign cannot go from completed to running");
  EXPECT_EQ(check_transition(S::cancelled, S::draft, "a", "b").error().code, core::ErrorCode::conflict);
}

TEST(Lifecycle, AuthorCannotApproveOwnCampaign) {
  auto st = check_transition(S::in_review, S::approved, "alice", "alice");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, core::ErrorCode::forbidden);
  EXPECT_EQ(st.error().what(),
            "campaign state: the approver must be a different principal than the author ('alice')");
}

TEST(Lifecycle, AuthorMayDoEverythingElse) {
  EXPECT_EQ(check(S::draft, S::in_review, "alice", "alice"), "ok");
  EXPECT_EQ(check(S::in_review, S::draft, "alice", "alice"), "ok");
  EXPECT_EQ(check(S::approved, S::running, "alice", "alice"), "ok");
  EXPECT_EQ(check(S::in_review, S::approved, "alice", "bob"), "ok");
}

TEST(Lifecycle, StateNamesRoundTrip) {
  for (S s : kAll) EXPECT_EQ(parse_campaign_state(to_string(s)), s);
  EXPECT_EQ(to_string(S::in_review), std::string("in_review"));
  EXPECT_FALSE(parse_campaign_state("approved ").has_value());
  EXPECT_FALSE(parse_campaign_state("Running").has_value());
}

}  // namespace
}  // namespace outreach::campaigns
