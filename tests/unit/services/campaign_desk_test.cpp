// CampaignDesk: preview counts, four-eyes approval, idempotent launch, versions.
#include <gtest/gtest.h>

#include "storage/contact_store.h"
#include "tests/support/engine_fixture.h"
#include "tests/support/actors.h"

namespace outreach::test {
namespace {

class Desk : public EngineTest {};

TEST_F(Desk, PreviewCountsTheAudienceAndNamesEverySuppressionReason) {
  person(1);
  person(2);
  auto dnc = person(3);
  storage::ContactStore(*db).set_do_not_contact(dnc, true, "asked by phone").take();
  auto out = person(4);
  withdraw(out);
  add_contact("Zonder Toestemming", "GM0599", {"tel:+31612349999"});  // no consent at all
  add_contact("Elders", "GM0363", {"tel:+31612348888"});                // outside the audience
  const auto yaml = campaign_yaml("prev", one_step());
  ASSERT_TRUE(desk().save(test::actor("amira"), yaml, "prev.yaml"));
  auto p = desk().preview(test::actor("amira"), "prev");
  ASSERT_TRUE(p) << p.error().what();
  EXPECT_EQ(p->included, 2);
  EXPECT_EQ(p->suppressed, 3);
  EXPECT_EQ(p->suppressed_by_reason["do_not_contact"], 1);
  EXPECT_EQ(p->suppressed_by_reason["stopped"], 1);  // a STOP anywhere (campaigns/contactability.h)
  EXPECT_EQ(p->suppressed_by_reason["no_consent"], 1);
  EXPECT_EQ(p->suppressed_by_reason.count("not_in_audience"), 0u) << "outside the audience is not suppressed";
  EXPECT_EQ(p->by_channel["sms"], 2);
  EXPECT_EQ(p->by_municipality["GM0599"], 2);
  ASSERT_FALSE(p->samples.empty());
  EXPECT_NE(p->samples[0].text.find("Gemeente GM0599"), std::string::npos) << p->samples[0].text;
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages"), 0) << "a preview writes nothing";
}

TEST_F(Desk, LaunchingTwiceAddsNothing) {
  for (int i = 1; i <= 3; ++i) person(i);
  auto first = launch(campaign_yaml("twice", one_step() + "  - id: two\n    after: 1d\n    channels: [sms]\n    template: second\n"));
  EXPECT_EQ(first.included, 3);
  EXPECT_EQ(first.rows_added, 6);
  auto second = desk().launch(test::actor("amira"), "twice");
  ASSERT_TRUE(second) << second.error().what();
  EXPECT_EQ(second->rows_added, 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages"), 6);
}

TEST_F(Desk, ACampaignThatIsNotApprovedCannotBeLaunched) {
  person(1);
  const auto yaml = campaign_yaml("unapproved", one_step());
  ASSERT_TRUE(desk().save(test::actor("amira"), yaml, "u.yaml"));
  EXPECT_FALSE(desk().launch(test::actor("amira"), "unapproved")) << "draft";
  ASSERT_TRUE(desk().submit(test::actor("amira"), "unapproved"));
  EXPECT_FALSE(desk().launch(test::actor("amira"), "unapproved")) << "in review";
  EXPECT_FALSE(desk().approve(test::actor("amira"), "unapproved")) << "the author cannot approve their own campaign";
  EXPECT_FALSE(desk().launch(test::actor("joost"), "unapproved"));
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages"), 0);
  ASSERT_TRUE(desk().approve(test::actor("joost"), "unapproved"));
  EXPECT_TRUE(desk().launch(test::actor("amira"), "unapproved"));
}

TEST_F(Desk, ANewVersionAfterApprovalNeedsApprovalAgain) {
  person(1);
  const auto v1 = campaign_yaml("ver", one_step());
  ASSERT_TRUE(desk().save(test::actor("amira"), v1, "v.yaml"));
  ASSERT_TRUE(desk().submit(test::actor("amira"), "ver"));
  ASSERT_TRUE(desk().approve(test::actor("joost"), "ver"));
  auto v2 = v1;
  v2.replace(v2.find("name: Test ver"), 14, "name: Test ver, edited");
  ASSERT_TRUE(desk().save(test::actor("amira"), v2, "v.yaml"));
  auto s = desk().status(test::actor("amira"), "ver");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->version, 2);
  EXPECT_EQ(s->state, "draft");
  EXPECT_FALSE(desk().launch(test::actor("amira"), "ver"));
  ASSERT_TRUE(desk().submit(test::actor("amira"), "ver"));
  ASSERT_TRUE(desk().approve(test::actor("joost"), "ver"));
  auto r = desk().launch(test::actor("amira"), "ver");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(sql_int("SELECT DISTINCT campaign_version FROM messages"), 2);
}

TEST_F(Desk, AnInvalidCampaignIsRefusedWithTheFieldNamed) {
  auto bad = campaign_yaml("bad", one_step("[pigeon]"));
  auto r = desk().save(test::actor("amira"), bad, "bad.yaml");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what().find("bad.yaml"), std::string::npos) << r.error().what();
  EXPECT_FALSE(desk().status(test::actor("amira"), "bad")) << "nothing stored";
}

TEST_F(Desk, APromiseSoonerThanTheCaseSlaIsRefusedAndTheApproverSeesTheWarnings) {
  config.case_sla_working_days = 5;
  const auto yaml = campaign_yaml("promise", one_step());
  const std::string greeting = "text: \"Beste {{name}}, ";
  ASSERT_NE(yaml.find(greeting), std::string::npos) << yaml;
  auto with = [&](const std::string& sentence) {
    auto out = yaml;
    out.insert(yaml.find(greeting) + greeting.size(), sentence);
    return out;
  };
  // The first template's Dutch text gains a deadline the process cannot keep.
  const auto promising = with("wij bellen u binnen 2 werkdagen. ");
  auto report = desk().validate(promising, "promise.yaml");
  EXPECT_FALSE(report.ok);
  ASSERT_FALSE(report.errors.empty());
  EXPECT_NE(report.errors.front().find("promises \"binnen 2 werkdagen\""), std::string::npos) << report.errors.front();
  EXPECT_FALSE(desk().save(test::actor("amira"), promising, "promise.yaml")) << "an unkeepable promise is not saved";

  // A word of certainty only warns: saved, and the approver's preview shows it with the readability.
  const auto certain = with("wij helpen u altijd. ");
  ASSERT_TRUE(desk().save(test::actor("amira"), certain, "promise.yaml"));
  ASSERT_TRUE(desk().submit(test::actor("amira"), "promise"));
  auto p = desk().preview(test::actor("joost"), "promise");
  ASSERT_TRUE(p) << p.error().what();
  bool warned = false;
  for (const auto& w : p->warnings) warned = warned || w.find("\"altijd\" is a word of certainty") != std::string::npos;
  EXPECT_TRUE(warned);
  EXPECT_FALSE(p->readability.empty());
  EXPECT_NE(p->readability.front().find("words/sentence"), std::string::npos);
}

}  // namespace
}  // namespace outreach::test
