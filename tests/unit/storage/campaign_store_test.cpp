#include "storage/campaign_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "storage/hashing.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

class CampaignStoreTest : public test::BackendStorageTest {
 protected:
  SaveOutcome save(const std::string& text, const std::string& author = "coord") {
    clock.advance(std::chrono::minutes(1));
    return store.save("herstel", "Herstel Rijnmond", "campaigns/herstel.yaml", text, author, now()).take();
  }
  void move(std::int64_t id, const std::string& from, const std::string& to, const std::string& actor = "coord") {
    clock.advance(std::chrono::minutes(1));
    ASSERT_TRUE(store.set_state(id, from, to, actor, now()));
  }
  std::int64_t approved(const std::string& text) {
    auto id = save(text).campaign.id;
    move(id, "draft", "in_review");
    move(id, "in_review", "approved", "privacy-officer");
    return id;
  }

  CampaignStore store{*db};
};

TEST_P(CampaignStoreTest, FirstSaveCreatesDraftVersionOne) {
  auto out = save("steps: [a]");
  EXPECT_TRUE(out.new_version);
  EXPECT_EQ(out.campaign.key, "herstel");
  EXPECT_EQ(out.campaign.name, "Herstel Rijnmond");
  EXPECT_EQ(out.campaign.state, "draft");
  EXPECT_EQ(out.campaign.version, 1);
  EXPECT_EQ(out.campaign.created_at, now());
  EXPECT_FALSE(out.campaign.launched_at);
  auto v = store.version(out.campaign.id, 1).take();
  EXPECT_EQ(v.source_text, "steps: [a]");
  EXPECT_EQ(v.source_path, "campaigns/herstel.yaml");
  EXPECT_EQ(v.source_sha256, sha256_hex("steps: [a]"));
  EXPECT_EQ(v.author, "coord");
}

TEST_P(CampaignStoreTest, SavingTheSameTextAgainChangesNothing) {
  auto first = save("steps: [a]");
  auto again = save("steps: [a]");
  EXPECT_FALSE(again.new_version);
  EXPECT_EQ(again.campaign.version, 1);
  EXPECT_EQ(again.campaign.updated_at, first.campaign.updated_at);
}

TEST_P(CampaignStoreTest, EditingADraftChangesItInPlace) {
  auto id = save("steps: [a]").campaign.id;
  auto out = save("steps: [a, b]", "other");
  EXPECT_TRUE(out.new_version);
  EXPECT_EQ(out.campaign.version, 1);
  EXPECT_EQ(out.campaign.author, "other");
  EXPECT_EQ(store.version(id, 1)->source_text, "steps: [a, b]");
  EXPECT_FALSE(store.version(id, 2));
}

TEST_P(CampaignStoreTest, ChangingAnApprovedCampaignCreatesANewDraftVersion) {
  auto id = approved("steps: [a]");
  auto out = save("steps: [a, b]", "editor");
  EXPECT_TRUE(out.new_version);
  EXPECT_EQ(out.campaign.state, "draft");
  EXPECT_EQ(out.campaign.version, 2);
  // What was approved stays exactly as approved.
  auto v1 = store.version(id, 1).take();
  EXPECT_EQ(v1.source_text, "steps: [a]");
  EXPECT_EQ(v1.approved_by, "privacy-officer");
  auto v2 = store.version(id, 2).take();
  EXPECT_EQ(v2.source_text, "steps: [a, b]");
  EXPECT_EQ(v2.author, "editor");
  EXPECT_EQ(v2.approved_by, "");
  EXPECT_FALSE(v2.approved_at);
  EXPECT_EQ(sql_text("SELECT from_state || '>' || to_state || ' v' || version || ' ' || note FROM campaign_events "
                     "ORDER BY id DESC LIMIT 1"),
            "approved>draft v2 new version");
}

TEST_P(CampaignStoreTest, PausedCampaignChangesIntoANewVersion) {
  auto id = approved("steps: [a]");
  move(id, "approved", "running");
  move(id, "running", "paused");
  auto out = save("steps: [b]");
  EXPECT_EQ(out.campaign.state, "draft");
  EXPECT_EQ(out.campaign.version, 2);
}

TEST_P(CampaignStoreTest, RunningCampaignCannotChange) {
  auto id = approved("steps: [a]");
  move(id, "approved", "running");
  auto out = store.save("herstel", "Herstel Rijnmond", "campaigns/herstel.yaml", "steps: [b]", "coord", now());
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(out.error().what(), "state: campaign 'herstel' is running; pause it before changing it");
  auto c = store.get(id).take();
  EXPECT_EQ(c.state, "running");
  EXPECT_EQ(c.version, 1);
  EXPECT_FALSE(store.version(id, 2));
}

TEST_P(CampaignStoreTest, FinishedCampaignCannotChange) {
  auto id = approved("steps: [a]");
  move(id, "approved", "cancelled");
  auto out = store.save("herstel", "Herstel Rijnmond", "", "steps: [b]", "coord", now());
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().what(), "state: campaign 'herstel' is cancelled and can no longer change");
}

TEST_P(CampaignStoreTest, SetStateRecordsApprover) {
  auto id = save("steps: [a]").campaign.id;
  move(id, "draft", "in_review", "author-1");
  move(id, "in_review", "approved", "privacy-officer");
  auto v = store.version(id, 1).take();
  EXPECT_EQ(v.submitted_by, "author-1");
  EXPECT_EQ(v.approved_by, "privacy-officer");
  EXPECT_EQ(v.approved_at, now());
  EXPECT_EQ(store.get(id)->state, "approved");
  EXPECT_EQ(sql_int("SELECT count(*) FROM campaign_events WHERE actor = 'privacy-officer' "
                    "AND from_state = 'in_review' AND to_state = 'approved'"),
            1);
}

TEST_P(CampaignStoreTest, FirstRunSetsLaunchTimeOnce) {
  auto id = approved("steps: [a]");
  move(id, "approved", "running");
  auto launched = now();
  move(id, "running", "paused");
  move(id, "paused", "running");
  EXPECT_EQ(store.get(id)->launched_at, launched);
}

TEST_P(CampaignStoreTest, SetStateFromAStaleStateIsAConflict) {
  auto id = save("steps: [a]").campaign.id;
  auto st = store.set_state(id, "approved", "running", "coord", now());
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(st.error().what(), "state: campaign changed state meanwhile (expected approved)");
  EXPECT_EQ(store.get(id)->state, "draft");
  EXPECT_EQ(sql_int("SELECT count(*) FROM campaign_events"), 0);
}

TEST_P(CampaignStoreTest, FindAndListByKey) {
  auto id = save("steps: [a]").campaign.id;
  store.save("tweede", "Tweede", "", "x", "coord", now()).take();
  EXPECT_EQ(store.find("herstel")->id, id);
  EXPECT_EQ(store.find("nope").error().what(), "no campaign 'nope'");
  EXPECT_EQ(store.get(99).error().what(), "no campaign with id 99");
  ASSERT_EQ(store.list().size(), 2u);
  EXPECT_EQ(store.list()[1].key, "tweede");
}

OUTREACH_ON_EACH_BACKEND(CampaignStoreTest);

}  // namespace
}  // namespace outreach::storage
