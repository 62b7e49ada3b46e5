#include "storage/campaign_review_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "storage/campaign_store.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

class CampaignReviewStoreTest : public test::BackendStorageTest {
 protected:
  CampaignReview review(int version, const std::string& sha, const std::string& reviewer, const std::string& comment) {
    CampaignReview r;
    r.campaign_id = campaign;
    r.version = version;
    r.source_sha256 = sha;
    r.reviewer = reviewer;
    r.comment = comment;
    r.at = now();
    return r;
  }

  CampaignReviewStore store{*db};
  std::int64_t campaign = CampaignStore(*db).save("herstel", "Herstel", "", "text", "coord", now()).take().campaign.id;
};

TEST_P(CampaignReviewStoreTest, ReviewsAreListedForExactlyTheTextReviewedOldestFirst) {
  auto first = store.add(review(1, "aaa", "panel-1", "Te lang")).take();
  clock.advance(std::chrono::minutes(5));
  auto second = store.add(review(1, "aaa", "panel-2", "Duidelijk, maar \"u\" i.p.v. \"je\"")).take();
  store.add(review(1, "bbb", "panel-1", "Over another text of version 1")).take();
  store.add(review(2, "aaa", "panel-1", "Version 2")).take();
  auto list = store.list(campaign, 1, "aaa");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, first);
  EXPECT_EQ(list[0].campaign_id, campaign);
  EXPECT_EQ(list[0].version, 1);
  EXPECT_EQ(list[0].source_sha256, "aaa");
  EXPECT_EQ(list[0].reviewer, "panel-1");
  EXPECT_EQ(list[0].comment, "Te lang");
  EXPECT_EQ(list[0].at, at(-std::chrono::minutes(5)));
  EXPECT_EQ(list[1].id, second);
  EXPECT_EQ(list[1].comment, "Duidelijk, maar \"u\" i.p.v. \"je\"");
  EXPECT_EQ(store.list(campaign, 2, "aaa").size(), 1u);
  EXPECT_TRUE(store.list(campaign, 3, "aaa").empty());
  EXPECT_EQ(store.add(review(1, "aaa", "panel-1", "x")).take(), second + 3);  // ids only grow
  auto r = review(1, "aaa", "panel-1", "x");
  r.campaign_id = campaign + 100;
  EXPECT_FALSE(store.add(r));  // no such campaign
}

OUTREACH_ON_EACH_BACKEND(CampaignReviewStoreTest);

}  // namespace
}  // namespace outreach::storage
