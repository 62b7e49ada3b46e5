#include "storage/post_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "storage/campaign_store.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class PostStoreTest : public test::BackendStorageTest {
 protected:
  std::int64_t campaign(const std::string& key, const std::string& state = "running") {
    CampaignStore campaigns(*db);
    auto id = campaigns.save(key, key, "", "text of " + key, "coord", now()).take().campaign.id;
    const char* path[] = {"draft", "in_review", "approved", "running", "paused"};
    for (int i = 0; path[i] != state; ++i) campaigns.set_state(id, path[i], path[i + 1], "coord", now()).take();
    return id;
  }
  std::int64_t launch(std::int64_t campaign_id, const std::string& post_key = "story",
                      const std::string& channel = "facebook_page", core::Millis after = hours(0)) {
    return posts.enqueue_launch(campaign_id, 1, {{post_key, channel, "nl", "Hulp nodig? Herstelteam.", now() + after}},
                                now())
        .take();
  }
  std::vector<PostRow> claim(std::vector<std::string> channels = {"facebook_page"}) {
    return posts.claim_due(now(), 10, now() + minutes(5), channels).take();
  }
  PostStatus status(std::int64_t id) { return posts.get(id)->status; }

  PostStore posts{*db};
};

TEST_P(PostStoreTest, LaunchingTwiceAddsThePostOnce) {
  auto c = campaign("herstel");
  EXPECT_EQ(launch(c), 1);
  EXPECT_EQ(launch(c), 0);
  auto rows = posts.list(c);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].post_key, "story");
  EXPECT_EQ(rows[0].status, PostStatus::queued);
  EXPECT_EQ(rows[0].text, "Hulp nodig? Herstelteam.");
}

TEST_P(PostStoreTest, ClaimTakesDuePostsOfRunningCampaignsOnceAndOnlyOnItsChannels) {
  auto running = campaign("herstel");
  auto paused = campaign("paused", "paused");
  launch(running);
  launch(running, "later", "facebook_page", hours(24));
  launch(running, "other_page", "instagram_page");
  launch(paused);
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].post_key, "story");
  EXPECT_EQ(status(claimed[0].id), PostStatus::sending);
  EXPECT_TRUE(claim().empty()) << "a claimed post is not claimed again";
  EXPECT_EQ(posts.next_due({"facebook_page"}), now() + hours(24));
  EXPECT_TRUE(claim({}).empty());
}

TEST_P(PostStoreTest, PublishedRecordsTheProviderPostId) {
  auto c = campaign("herstel");
  launch(c);
  auto id = claim().at(0).id;
  clock.advance(minutes(1));
  EXPECT_TRUE(posts.record({id, PostStatus::published, 1, "1045_987", "", std::nullopt}, now()).take());
  auto row = posts.get(id).take();
  EXPECT_EQ(row.status, PostStatus::published);
  EXPECT_EQ(row.provider_post_id, "1045_987");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.published_at, now());
}

TEST_P(PostStoreTest, ExpiredLeaseMakesThePostUnknownAndItIsNeverClaimedAgain) {
  auto c = campaign("herstel");
  launch(c);
  auto id = claim().at(0).id;
  clock.advance(minutes(6));
  EXPECT_EQ(posts.expire_leases(now()).take(), 1);
  EXPECT_EQ(status(id), PostStatus::unknown);
  EXPECT_EQ(posts.get(id)->reason, "lease expired while publishing");
  EXPECT_TRUE(claim().empty());
  EXPECT_EQ(posts.next_due({"facebook_page"}), std::nullopt);
  // A late failure changes nothing; a late success proves it went out and settles it.
  EXPECT_FALSE(posts.record({id, PostStatus::failed, 1, "", "timeout", std::nullopt}, now()).take());
  EXPECT_EQ(status(id), PostStatus::unknown);
  EXPECT_TRUE(posts.record({id, PostStatus::published, 1, "1045_1", "", std::nullopt}, now()).take());
  EXPECT_EQ(status(id), PostStatus::published);
}

TEST_P(PostStoreTest, OnlyAnOperatorQueuesAnUnknownPostAgain) {
  auto c = campaign("herstel");
  launch(c, "story");
  launch(c, "contact_us");
  auto claimed = claim();
  ASSERT_EQ(claimed.size(), 2u);
  clock.advance(minutes(6));
  ASSERT_EQ(posts.expire_leases(now()).take(), 2);
  EXPECT_EQ(posts.redrive(c, "nope", now()).take(), 0);
  EXPECT_EQ(posts.redrive(c, "story", now()).take(), 1);
  auto again = claim();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].post_key, "story");
  EXPECT_EQ(posts.redrive(c, "", now()).take(), 1) << "the other unknown post; the story is sending, not unknown";
}

TEST_P(PostStoreTest, RetryQueuesThePostForLater) {
  auto c = campaign("herstel");
  launch(c);
  auto id = claim().at(0).id;
  EXPECT_TRUE(posts.record({id, PostStatus::queued, 1, "", "503 busy", now() + minutes(2)}, now()).take());
  EXPECT_TRUE(claim().empty());
  clock.advance(minutes(2));
  ASSERT_EQ(claim().size(), 1u);
  EXPECT_EQ(posts.get(id)->attempts, 1);
}

TEST_P(PostStoreTest, StatusNamesRoundTrip) {
  for (auto s : {PostStatus::queued, PostStatus::sending, PostStatus::published, PostStatus::failed,
                 PostStatus::unknown}) {
    EXPECT_EQ(parse_post_status(to_string(s)).value(), s);
  }
  EXPECT_EQ(parse_post_status("sent").error().what(),
            "status: unknown post status 'sent' (queued, sending, published, failed, unknown)");
}

OUTREACH_ON_EACH_BACKEND(PostStoreTest);

}  // namespace
}  // namespace outreach::storage
