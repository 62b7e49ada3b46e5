// Engines sharing one PostgreSQL keep a page's rate limit together: two engines publishing the
// same campaign's posts at the same moment publish no more than the page's burst between them,
// not a burst each. The rest wait, queued, for the bucket's next token.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/post_publisher.h"
#include "storage/post_store.h"
#include "tests/support/actors.h"
#include "tests/support/engine_fixture.h"
#include "tests/support/postgres_server.h"
#include "tests/support/require_tool.h"

namespace outreach::test {
namespace {

class SharedPageRate : public EngineTest {
 protected:
  SharedPageRate() : page_a(clock), page_b(clock) {}

  void SetUp() override {
    auto* pg = PostgresServer::shared();
    OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
    url = pg->create_database().take();
    db = storage::Database::open(url).take();  // the fixture's set-up again, on PostgreSQL
    add_region("rijnmond", "GM0599");
    add_municipality("GM0599", "rijnmond");
    add_municipality("GM0606", "rijnmond");
    engine::ChannelConfig ch;
    ch.name = "facebook_page";
    ch.scheme = core::UrnScheme::page;
    ch.rate = engine::RateLimit{1.0 / 3600, 2};  // two at once, then one an hour
    config.channels[ch.name] = ch;
  }

  // One campaign with six page posts, all due at launch.
  std::string yaml_with_posts() {
    std::string posts = "asks_for: share\nposts:\n";
    for (int i = 1; i <= 6; ++i) {
      posts += "  - id: story" + std::to_string(i) +
               "\n    after: 0d\n    channel: facebook_page\n    template: story\n";
    }
    return campaign_yaml("pages", one_step(),
                         "{days: [mon, tue, wed, thu, fri, sat, sun], hours: \"00:00-24:00\", "
                         "timezone: Europe/Amsterdam}",
                         posts) +
           "  story:\n    nl: \"Hulp nodig na de toeslagenaffaire? Bel uw gemeente. {{sender}}.\"\n";
  }

  std::string url;
  FakeSender page_a, page_b;
};

TEST_F(SharedPageRate, TwoEnginesTogetherPublishNoMoreThanThePagesBurst) {
  person(1);
  ASSERT_EQ(launch(yaml_with_posts()).posts_added, 6);
  auto other = storage::Database::open(url).take();  // the second engine's connection
  engine::PostPublisher a(*db, clock, config, {{"sms", &sms}, {"facebook_page", &page_a}});
  engine::PostPublisher b(*other, clock, config, {{"sms", &sms}, {"facebook_page", &page_b}});

  // The first engine claims all six and publishes the burst; the others wait for the next token.
  a.run_due(clock.now());
  EXPECT_EQ(page_a.sends.size(), 2u);
  EXPECT_EQ(a.stats().deferred, 4u);
  std::size_t queued = 0;
  for (const auto& p : storage::PostStore(*db).list(std::nullopt)) queued += p.status == storage::PostStatus::queued;
  EXPECT_EQ(queued, 4u);

  // An hour later the bucket has one token more. The second engine claims first: it publishes one,
  // not a fresh burst of its own, and neither engine publishes more.
  clock.advance(std::chrono::hours(1) + std::chrono::seconds(1));
  b.run_due(clock.now());
  a.run_due(clock.now());
  EXPECT_EQ(page_b.sends.size(), 1u) << "one token for both engines";
  EXPECT_EQ(page_a.sends.size() + page_b.sends.size(), 3u);
}

}  // namespace
}  // namespace outreach::test
