// A campaign's page post published through the real wiring: a facebook_page channel in the engine
// configuration -> ChannelSet (FacebookPage connector + HttpTransport on a CurlMulti) ->
// PostPublisher, against the loopback HTTP server (tests/support/http_recorder.h), which answers
// POST /vN.M/<page>/feed like the Graph API.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>

#include "engine/channel_set.h"
#include "net/asio.h"
#include "engine/post_publisher.h"
#include "storage/post_store.h"
#include "tests/support/engine_fixture.h"
#include "tests/support/http_recorder.h"

namespace outreach::test {
namespace {

constexpr const char* kPageId = "104523456789012";

class PostPublishTest : public EngineTest {
 protected:
  static void SetUpTestSuite() { server_.start(); }
  static void TearDownTestSuite() { server_.stop(); }
  void SetUp() override {
    ASSERT_TRUE(server_.fresh()) << server_.error();
    engine::ChannelConfig ch;
    ch.name = "facebook_page";
    ch.scheme = core::UrnScheme::page;
    ch.provider = "facebook_page";
    ch.settings.provider = "facebook_page";
    ch.settings.base_url = server_->base_url();
    ch.settings.values = {{"page_id", kPageId}, {"page_access_token", "PAGE TOKEN"}, {"version", "v23.0"}};
    ch.rate = engine::RateLimit{1, 1};
    config.channels[ch.name] = ch;
  }
  // Runs the io_context until `done` or 10 s pass.
  void run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(20));
    }
  }

  static inline SuiteRecorder server_;
  asio::io_context io_;
};


TEST_F(PostPublishTest, PostsTheFeedMessageWithThePageTokenAndRecordsThePostId) {
  person(1);
  launch(campaign_yaml("story", one_step(), "{days: [mon, tue, wed, thu, fri, sat, sun], hours: \"00:00-24:00\", "
                                            "timezone: Europe/Amsterdam}",
                       "posts: [{id: story, channel: facebook_page, template: story}]\n") +
         "  story:\n    nl: \"Hulp nodig na de toeslagenaffaire? Bel uw gemeente. {{sender}}.\"\n");
  storage::Outbox outbox(*db);
  auto channels = engine::ChannelSet::build(io_, outbox, config).take();
  engine::PostPublisher publisher(*db, clock, config, channels->senders());
  ASSERT_EQ(publisher.run_due(clock.now()), 1);
  storage::PostStore posts(*db);
  run_until([&] { return publisher.in_flight() == 0; });

  auto row = posts.list(std::nullopt).at(0);
  EXPECT_EQ(row.status, storage::PostStatus::published) << row.reason;
  EXPECT_EQ(row.provider_post_id, std::string(kPageId) + "_1");
  EXPECT_EQ(row.attempts, 1);

  auto requests = nlohmann::json::parse(server_->requests_json());
  ASSERT_EQ(requests.size(), 1u) << requests.dump();
  EXPECT_EQ(requests[0]["method"], "POST");
  EXPECT_EQ(requests[0]["path"], std::string("/v23.0/") + kPageId + "/feed");
  EXPECT_EQ(requests[0]["headers"]["Content-Type"], "application/x-www-form-urlencoded");
  EXPECT_EQ(requests[0]["body"],
            "message=Hulp+nodig+na+de+toeslagenaffaire%3F+Bel+uw+gemeente.+Herstelteam.&access_token=PAGE+TOKEN");

  // Published once: later runs send nothing more, and the per-contact sms never reached the page.
  clock.advance(std::chrono::hours(24));
  EXPECT_EQ(publisher.run_due(clock.now()), 0);
  run_until([&] { return publisher.in_flight() == 0; });
  EXPECT_EQ(nlohmann::json::parse(server_->requests_json()).size(), 1u);
}

}  // namespace
}  // namespace outreach::test
