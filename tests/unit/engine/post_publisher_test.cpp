// PostPublisher: a campaign's page posts are queued once at launch and published once, on the
// ManualClock, through a FakeSender standing in for the facebook_page channel.
#include "engine/post_publisher.h"
#include "tests/support/actors.h"

#include <gtest/gtest.h>

#include "storage/post_store.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using namespace std::chrono_literals;
using storage::PostStatus;

class Posts : public EngineTest {
 protected:
  Posts() : page(clock) {
    engine::ChannelConfig ch;
    ch.name = "facebook_page";
    ch.scheme = core::UrnScheme::page;
    ch.rate = engine::RateLimit{10000, 10000};
    config.channels[ch.name] = ch;
  }

  // A campaign with one sms step and the post `story` on facebook_page, `after` from launch.
  static std::string yaml_with_post(const std::string& key, const std::string& after = "1d",
                                    const std::string& window =
                                        "{days: [mon, tue, wed, thu, fri, sat, sun], hours: \"00:00-24:00\", "
                                        "timezone: Europe/Amsterdam}") {
    return campaign_yaml(key, one_step(), window,
                         "asks_for: share\n"
                         "posts:\n"
                         "  - id: story\n"
                         "    after: " + after + "\n"
                         "    channel: facebook_page\n"
                         "    template: story\n") +
           "  story:\n    nl: \"Hulp nodig na de toeslagenaffaire? Bel uw gemeente. {{sender}}.\"\n";
  }

  engine::PostPublisher& publisher() {
    if (!publisher_) {
      publisher_ = std::make_unique<engine::PostPublisher>(
          *db, clock, config, std::map<std::string, engine::Sender*>{{"sms", &sms}, {"facebook_page", &page}});
    }
    return *publisher_;
  }
  std::vector<storage::PostRow> rows() { return storage::PostStore(*db).list(std::nullopt); }
  storage::PostRow post() {
    auto all = rows();
    EXPECT_EQ(all.size(), 1u);
    return all.empty() ? storage::PostRow{} : all.front();
  }

  FakeSender page;
  std::unique_ptr<engine::PostPublisher> publisher_;
};

TEST_F(Posts, LaunchQueuesEachPostOnceWithItsRenderedText) {
  person(1);
  EXPECT_EQ(launch(yaml_with_post("story")).posts_added, 1);
  EXPECT_EQ(desk().launch(test::actor("amira"), "story")->posts_added, 0) << "a second launch adds nothing";
  auto p = post();
  EXPECT_EQ(p.post_key, "story");
  EXPECT_EQ(p.channel, "facebook_page");
  EXPECT_EQ(p.status, PostStatus::queued);
  EXPECT_EQ(p.due_at, clock.now() + 24h);
  EXPECT_EQ(p.text, "Hulp nodig na de toeslagenaffaire? Bel uw gemeente. Herstelteam.");
}

TEST_F(Posts, PreviewShowsThePostAndItsTimeAfterLaunch) {
  ASSERT_TRUE(desk().save(test::actor("amira"), yaml_with_post("prev", "2d"), "prev.yaml"));
  auto p = desk().preview(test::actor("amira"), "prev").take();
  ASSERT_EQ(p.posts.size(), 1u);
  EXPECT_EQ(p.posts[0].id, "story");
  EXPECT_EQ(p.posts[0].after, 48h);
  EXPECT_EQ(p.posts[0].text, "Hulp nodig na de toeslagenaffaire? Bel uw gemeente. Herstelteam.");
  EXPECT_TRUE(rows().empty()) << "a preview writes nothing";
}

TEST_F(Posts, PublishesOnceWhenDueAndRecordsThePostId) {
  launch(yaml_with_post("once"));
  EXPECT_EQ(publisher().run_due(clock.now()), 0) << "not before its time";
  EXPECT_EQ(publisher().next_due(), clock.now() + 24h);
  clock.advance(24h);
  EXPECT_EQ(publisher().run_due(clock.now()), 1);
  ASSERT_EQ(page.sends.size(), 1u);
  EXPECT_EQ(page.sends[0].to, "page:facebook_page");
  EXPECT_EQ(page.sends[0].message_id, 0) << "a post is no outbox row";
  EXPECT_EQ(page.sends[0].text, "Hulp nodig na de toeslagenaffaire? Bel uw gemeente. Herstelteam.");
  auto p = post();
  EXPECT_EQ(p.status, PostStatus::published);
  EXPECT_EQ(p.provider_post_id, "facebook_page-1");
  EXPECT_EQ(p.attempts, 1);
  clock.advance(24h);
  EXPECT_EQ(publisher().run_due(clock.now()), 0);
  EXPECT_EQ(page.sends.size(), 1u) << "published once";
  EXPECT_EQ(desk().status(test::actor("amira"), "once")->posts.at(0).provider_post_id, "facebook_page-1");
}

TEST_F(Posts, TransientFailureIsRetriedWithBackoff) {
  page.script = {transient_outcome("facebook_page 2: Service temporarily unavailable")};
  launch(yaml_with_post("retry", "0d"));
  EXPECT_EQ(publisher().run_due(clock.now()), 1);
  auto p = post();
  EXPECT_EQ(p.status, PostStatus::queued);
  EXPECT_EQ(p.attempts, 1);
  EXPECT_EQ(p.reason, "facebook_page 2: Service temporarily unavailable");
  EXPECT_GE(p.due_at, clock.now());
  EXPECT_LE(p.due_at, clock.now() + config.retry.base);
  clock.set(p.due_at);
  EXPECT_EQ(publisher().run_due(clock.now()), 1);
  EXPECT_EQ(post().status, PostStatus::published);
  EXPECT_EQ(post().attempts, 2);
  EXPECT_EQ(publisher().stats().retried, 1u);
}

TEST_F(Posts, GivesUpAfterTheLastAttempt) {
  page.fallback = transient_outcome("timeout");
  launch(yaml_with_post("giveup", "0d"));
  engine::run_simulated(dispatcher(), clock, std::nullopt, {}, &publisher());
  EXPECT_EQ(page.sends.size(), static_cast<std::size_t>(config.retry.max_attempts));
  EXPECT_EQ(post().status, PostStatus::failed);
  EXPECT_EQ(post().reason, "gave up after 5 attempts: timeout");
}

TEST_F(Posts, PermanentFailureFailsWithTheReason) {
  page.script = {permanent_outcome("facebook_page 200: Permissions error")};
  launch(yaml_with_post("perm", "0d"));
  publisher().run_due(clock.now());
  EXPECT_EQ(post().status, PostStatus::failed);
  EXPECT_EQ(post().reason, "facebook_page 200: Permissions error");
  clock.advance(24h);
  publisher().run_due(clock.now());
  EXPECT_EQ(page.sends.size(), 1u);
}

TEST_F(Posts, LeaseRunningOutMakesThePostUnknownAndItIsNeverRepublished) {
  page.deferred = true;  // the page never answers: the engine crashes with the post in flight
  launch(yaml_with_post("crash", "0d"));
  EXPECT_EQ(publisher().run_due(clock.now()), 1);
  EXPECT_EQ(post().status, PostStatus::sending);
  EXPECT_EQ(publisher().in_flight(), 1u);

  // A restarted engine with a fresh sender: the old lease runs out, the post becomes unknown.
  FakeSender restarted(clock);
  engine::PostPublisher after_restart(*db, clock, config, {{"facebook_page", &restarted}});
  clock.advance(config.lease + 1min);
  EXPECT_EQ(after_restart.run_due(clock.now()), 0);
  EXPECT_EQ(post().status, PostStatus::unknown);
  EXPECT_EQ(post().reason, "lease expired while publishing");
  for (int i = 0; i < 3; ++i) {
    clock.advance(24h);
    after_restart.run_due(clock.now());
  }
  EXPECT_TRUE(restarted.sends.empty()) << "an unknown post is never republished automatically";
  EXPECT_EQ(after_restart.next_due(), std::nullopt);
  page.pending.clear();  // the crashed engine's answer never comes
}

TEST_F(Posts, WaitsForTheSendWindowWithoutSpendingAnAttempt) {
  // 2026-11-02T09:00Z is Monday 10:00 in Amsterdam; the window opens at 12:00.
  launch(yaml_with_post("window", "0d", "{days: [mon], hours: \"12:00-13:00\", timezone: Europe/Amsterdam}"));
  EXPECT_EQ(publisher().run_due(clock.now()), 1);
  EXPECT_TRUE(page.sends.empty());
  EXPECT_EQ(post().status, PostStatus::queued);
  EXPECT_EQ(post().attempts, 0);
  EXPECT_EQ(post().due_at, utc(2026, 11, 2, 11));
  clock.set(post().due_at);
  publisher().run_due(clock.now());
  EXPECT_EQ(post().status, PostStatus::published);
}

TEST_F(Posts, PausedCampaignPublishesNothing) {
  launch(yaml_with_post("paused", "0d"));
  ASSERT_TRUE(desk().pause(test::actor("amira"), "paused"));
  EXPECT_EQ(publisher().run_due(clock.now()), 0);
  EXPECT_EQ(publisher().next_due(), std::nullopt);
  ASSERT_TRUE(desk().resume(test::actor("amira"), "paused"));
  EXPECT_EQ(publisher().run_due(clock.now()), 1);
}

TEST_F(Posts, CampaignCompletesOnlyOnceItsPostIsFinal) {
  person(1);
  launch(yaml_with_post("done", "3d"));
  run(clock.now() + 1h);  // the sms goes out; the post is not due yet
  EXPECT_EQ(count_open(), 0);
  EXPECT_EQ(desk().complete_finished(services::Actor::system("engine")), 0);
  engine::run_simulated(dispatcher(), clock, std::nullopt, {}, &publisher());
  EXPECT_EQ(post().status, PostStatus::published);
  EXPECT_EQ(desk().complete_finished(services::Actor::system("engine")), 1);
}

TEST_F(Posts, SaveRefusesAPostWithPersonalData) {
  std::string yaml = yaml_with_post("personal");
  yaml.replace(yaml.find("Bel uw gemeente."), 16, "Bel {{municipality_name}}.");
  auto saved = desk().save(test::actor("amira"), yaml, "personal.yaml");
  ASSERT_FALSE(saved);
  EXPECT_NE(saved.error().what().find("templates.story.nl.text: no personal data in a public post: uses "
                                      "{{municipality_name}} (published by posts[0])"),
            std::string::npos)
      << saved.error().what();
}

}  // namespace
}  // namespace outreach::test
