// The parent panel's review (services/panel_reviews.h): required by review_by_parent_panel: true,
// read by the approver before approving.
#include "services/panel_reviews.h"

#include <gtest/gtest.h>

#include "tests/support/actors.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using storage::PrincipalKind;

class PanelReview : public EngineTest {
 protected:
  services::Actor panel() { return actor_as("samira.panel", PrincipalKind::parent_panel); }
  services::PanelReviews reviews() { return services::PanelReviews(*db, clock); }
  void submit(const std::string& key, bool required) {
    const auto yaml = campaign_yaml(key, one_step(), "{days: [mon, tue, wed, thu, fri, sat, sun], hours: \"00:00-24:00\", "
                                                     "timezone: Europe/Amsterdam}",
                                    std::string("asks_for: share\n") + (required ? "review_by_parent_panel: true\n" : ""));
    auto id = desk().save(test::actor("amira"), yaml, key + ".yaml");
    ASSERT_TRUE(id) << id.error().what();
    ASSERT_TRUE(desk().submit(test::actor("amira"), key));
  }
};

TEST_F(PanelReview, ARequiredReviewMustExistBeforeApproval) {
  submit("panel", true);
  auto refused = desk().approve(test::actor("joost"), "panel");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().what(),
            "review: campaign 'panel' version 1 needs a review by a parent-panel member before it is approved "
            "(review_by_parent_panel: true)");
  auto r = reviews().review(panel(), "panel", "Duidelijke tekst. Zeg erbij dat nee zeggen geen gevolgen heeft.");
  ASSERT_TRUE(r) << r.error().what();
  // The approver sees what the panel said.
  auto state = reviews().state(test::actor("joost"), "panel");
  ASSERT_TRUE(state) << state.error().what();
  EXPECT_TRUE(state->required);
  ASSERT_EQ(state->reviews.size(), 1u);
  EXPECT_EQ(state->reviews[0].reviewer, "samira.panel");
  EXPECT_EQ(state->reviews[0].comment, "Duidelijke tekst. Zeg erbij dat nee zeggen geen gevolgen heeft.");
  EXPECT_TRUE(desk().approve(test::actor("joost"), "panel"));
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'campaign.review'"), 1);
}

TEST_F(PanelReview, TheReviewerCannotAlsoBeTheApprover) {
  submit("panel2", true);
  ASSERT_TRUE(reviews().review(panel(), "panel2", "Prima."));
  EXPECT_FALSE(desk().approve(panel(), "panel2")) << "a second panel member or an approver approves";
  EXPECT_TRUE(desk().approve(actor_as("kees.panel", PrincipalKind::parent_panel), "panel2"));
}

TEST_F(PanelReview, OnlyPanelMembersReviewSubmittedVersions) {
  submit("panel3", false);
  EXPECT_EQ(reviews().review(test::actor("joost"), "panel3", "Goed").error().code, core::ErrorCode::forbidden);
  EXPECT_EQ(reviews().review(panel(), "panel3", "  ").error().code, core::ErrorCode::invalid_input);
  ASSERT_TRUE(desk().approve(test::actor("joost"), "panel3")) << "not required: approval as before";
  EXPECT_EQ(reviews().review(panel(), "panel3", "Te laat").error().code, core::ErrorCode::conflict);
}

TEST_F(PanelReview, ANewVersionNeedsANewReview) {
  submit("panel4", true);
  ASSERT_TRUE(reviews().review(panel(), "panel4", "Goed."));
  ASSERT_TRUE(desk().reject(test::actor("joost"), "panel4", "kortere zinnen"));
  const auto yaml = campaign_yaml("panel4", one_step(), "{days: [mon], hours: \"09:00-17:00\", timezone: Europe/Amsterdam}",
                                  "asks_for: share\nreview_by_parent_panel: true\n");
  ASSERT_TRUE(desk().save(test::actor("amira"), yaml, "panel4.yaml"));
  ASSERT_TRUE(desk().submit(test::actor("amira"), "panel4"));
  EXPECT_TRUE(reviews().state(test::actor("joost"), "panel4")->reviews.empty());
  EXPECT_FALSE(desk().approve(test::actor("joost"), "panel4"));
}

}  // namespace
}  // namespace outreach::test
