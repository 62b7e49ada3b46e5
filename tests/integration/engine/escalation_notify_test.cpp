// Escalator + the real WebhookEscalationNotifier against a loopback HTTP server
// (tests/support/http_recorder.h): the new owner receives a signed POST without personal data.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>

#include "channels/webhook_connector.h"
#include "net/curl_multi.h"
#include "engine/engine_config.h"
#include "engine/escalation.h"
#include "engine/escalation_notifier.h"
#include "net/asio.h"
#include "storage/case_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/notice_queue.h"
#include "tests/support/http_recorder.h"

namespace outreach::engine {
namespace {

constexpr const char* kHubSecret = "hub-secret-0123456789abcdef";

class EscalationNotifyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_.start(); }
  static void TearDownTestSuite() { server_.stop(); }
  void SetUp() override {
    ASSERT_TRUE(server_.fresh()) << server_.error();
    db_ = storage::Database::open(":memory:").take();
    storage::MunicipalityStore m(*db_);
    ASSERT_TRUE(m.upsert_region({"rijnmond", "Rijnmond", "GM0599"}).ok());
    ASSERT_TRUE(m.upsert({"GM0599", "Rotterdam", "rijnmond"}).ok());
    ASSERT_TRUE(m.upsert({"GM0606", "Schiedam", "rijnmond"}).ok());
    config_ = sandbox_config();
  }
  std::int64_t open_case(const std::string& code) {
    storage::Contact c;
    c.name = "Fatima Yilmaz";
    c.municipality = code;
    auto contact = storage::ContactStore(*db_).add(c, clock_.now()).take();
    return storage::CaseStore(*db_)
        .open(contact, code, std::nullopt, clock_.now(), clock_.now() + std::chrono::hours(1), "test")
        .take();
  }
  // Runs the io_context until `done` or 10 s pass.
  void run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(20));
    }
  }
  nlohmann::json requests() const { return nlohmann::json::parse(server_->requests_json()); }
  // The delivery id of the move of case `id` to the hub made at `at`.
  static std::string hub_delivery(std::int64_t id, core::TimePoint at) {
    EscalationNotice n;
    n.case_id = id;
    n.status = "escalated_hub";
    n.at = at;
    return escalation_delivery_id(n);
  }

  static inline test::SuiteRecorder server_;
  core::SystemClock clock_;
  std::unique_ptr<storage::Database> db_;
  EngineConfig config_;
  asio::io_context io_;
  net::CurlMulti multi_{io_};
};


TEST_F(EscalationNotifyTest, HubReceivesSignedPostWithoutPersonalData) {
  auto id = open_case("GM0606");
  std::map<std::string, OwnerNotification> owners{{"GM0599", {server_->url("/fast"), kHubSecret}}};
  auto notifier = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, owners).take();
  Escalator e(*db_, clock_, config_);
  e.set_notifier(notifier.get());
  ASSERT_EQ(e.run_due(clock_.now() + std::chrono::hours(2)).to_hub, 1);
  run_until([&] { return notifier->pending() == 0; });
  EXPECT_EQ(notifier->delivered(), 1);
  EXPECT_EQ(notifier->failed(), 0);

  auto recorded = requests();
  ASSERT_EQ(recorded.size(), 1u) << recorded.dump();
  const auto& r = recorded[0];
  EXPECT_EQ(r["method"], "POST");
  EXPECT_EQ(r["path"], "/fast");
  channels::Headers headers;
  for (const auto& [k, v] : r["headers"].items()) headers.emplace_back(k, v.get<std::string>());
  const std::string body = r["body"].get<std::string>();
  auto verified = channels::verify_v1(headers, body, kHubSecret, clock_.now());
  EXPECT_TRUE(verified.ok()) << verified.error().what();
  EXPECT_FALSE(channels::verify_v1(headers, body, "some-other-secret-0123456789", clock_.now()).ok());
  const std::string* event = channels::find_header(headers, "X-Outreach-Event");
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(*event, "case.escalated");

  auto j = nlohmann::json::parse(body);
  EXPECT_EQ(j["event"], "case.escalated");
  EXPECT_EQ(j["data"]["case_id"], id);
  EXPECT_EQ(j["data"]["municipality"], "GM0606");
  EXPECT_EQ(j["data"]["to_owner"], "GM0599");
  EXPECT_EQ(j["data"]["status"], "escalated_hub");
  for (const char* personal : {"Fatima", "Yilmaz", "name", "phone", "email", "tel:", "mailto:"})
    EXPECT_EQ(body.find(personal), std::string::npos) << personal << " in " << body;
}

TEST_F(EscalationNotifyTest, MunicipalitysOwnSystemHearsOfANewCaseOnce) {
  auto id = open_case("GM0606");
  std::map<std::string, OwnerNotification> owners{{"GM0606", {server_->url("/fast"), kHubSecret}}};
  auto notifier = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, owners).take();
  Escalator e(*db_, clock_, config_);
  e.set_notifier(notifier.get());
  ASSERT_EQ(e.run_due(clock_.now()).opened_notified, 1);
  EXPECT_EQ(e.run_due(clock_.now()).opened_notified, 0);
  run_until([&] { return notifier->pending() == 0; });
  EXPECT_EQ(notifier->delivered(), 1);
  auto recorded = requests();
  ASSERT_EQ(recorded.size(), 1u) << recorded.dump();
  channels::Headers headers;
  for (const auto& [k, v] : recorded[0]["headers"].items()) headers.emplace_back(k, v.get<std::string>());
  const std::string body = recorded[0]["body"].get<std::string>();
  EXPECT_TRUE(channels::verify_v1(headers, body, kHubSecret, clock_.now()).ok());
  auto j = nlohmann::json::parse(body);
  EXPECT_EQ(j["event"], "case.opened");
  EXPECT_EQ(j["data"]["case_id"], id);
  EXPECT_EQ(j["data"]["owner"], "GM0606");
  EXPECT_EQ(j["data"]["status"], "open");
  for (const char* personal : {"Fatima", "Yilmaz", "name", "phone", "email", "tel:", "mailto:"})
    EXPECT_EQ(body.find(personal), std::string::npos) << personal << " in " << body;
}

TEST_F(EscalationNotifyTest, OwnerWithoutWebhookIsSkipped) {
  open_case("GM0606");
  std::map<std::string, OwnerNotification> owners{{"national", {server_->url("/fast"), kHubSecret}}};
  auto notifier = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, owners).take();
  Escalator e(*db_, clock_, config_);
  e.set_notifier(notifier.get());
  ASSERT_EQ(e.run_due(clock_.now() + std::chrono::hours(2)).to_hub, 1);  // to GM0599: not configured
  EXPECT_EQ(notifier->pending(), 0);
  io_.run_for(std::chrono::milliseconds(300));  // nothing to wait for; let any stray request arrive
  EXPECT_EQ(requests().size(), 0u);
}

TEST_F(EscalationNotifyTest, TransientFailureIsRetriedThenGivenUpWithoutAffectingTheCase) {
  auto id = open_case("GM0606");
  std::map<std::string, OwnerNotification> owners{{"GM0599", {server_->url("/status/503"), kHubSecret}}};
  WebhookEscalationOptions o;
  o.max_attempts = 3;
  o.retry_delay = std::chrono::milliseconds(50);
  auto notifier = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, owners, o).take();
  Escalator e(*db_, clock_, config_);
  e.set_notifier(notifier.get());
  ASSERT_EQ(e.run_due(clock_.now() + std::chrono::hours(2)).to_hub, 1);
  run_until([&] { return notifier->pending() == 0; });
  EXPECT_EQ(notifier->failed(), 1);
  EXPECT_EQ(notifier->delivered(), 0);
  auto recorded = requests();
  ASSERT_EQ(recorded.size(), 3u);
  // Same delivery id on every attempt, so the receiver can dedupe.
  EXPECT_EQ(recorded[0]["headers"]["X-Outreach-Delivery"], recorded[2]["headers"]["X-Outreach-Delivery"]);
  EXPECT_EQ(storage::CaseStore(*db_).get(id).take().status, "escalated_hub");
}

TEST_F(EscalationNotifyTest, PermanentFailureIsNotRetried) {
  open_case("GM0606");
  std::map<std::string, OwnerNotification> owners{{"GM0599", {server_->url("/status/404"), kHubSecret}}};
  WebhookEscalationOptions o;
  o.retry_delay = std::chrono::milliseconds(50);
  auto notifier = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, owners, o).take();
  Escalator e(*db_, clock_, config_);
  e.set_notifier(notifier.get());
  ASSERT_EQ(e.run_due(clock_.now() + std::chrono::hours(2)).to_hub, 1);
  run_until([&] { return notifier->pending() == 0; });
  EXPECT_EQ(notifier->failed(), 1);
  EXPECT_EQ(requests().size(), 1u);
}

TEST_F(EscalationNotifyTest, BadWebhookSettingsAreRefusedNamingTheOwner) {
  std::map<std::string, OwnerNotification> owners{{"GM0599", {server_->url("/fast"), "short"}}};
  auto notifier = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, owners);
  ASSERT_FALSE(notifier.ok());
  EXPECT_NE(notifier.error().what().find("notifications.GM0599"), std::string::npos) << notifier.error().what();
}

// kill -9 after the case moved and before its notice went out: the notice was queued with the move,
// and a new notifier (the restarted engine) sends it, once; a third start sends nothing more.
// A case that a low follow-up score reopens and that nobody picks up again goes to the hub a second
// time: the hub hears of it a second time, under a delivery id of its own (one it deduped away
// before).
TEST_F(EscalationNotifyTest, ACaseReopenedAndEscalatedAgainIsNotifiedAgain) {
  auto id = open_case("GM0606");
  std::map<std::string, OwnerNotification> owners{{"GM0599", {server_->url("/fast"), kHubSecret}}};
  auto notifier = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, owners).take();
  Escalator e(*db_, clock_, config_);
  e.set_notifier(notifier.get());
  const auto first = clock_.now() + std::chrono::hours(2);
  ASSERT_EQ(e.run_due(first).to_hub, 1);
  run_until([&] { return notifier->pending() == 0; });
  storage::CaseStore cases(*db_);
  const auto reopened = first + std::chrono::hours(1);
  ASSERT_EQ(cases.reopen(id, reopened + std::chrono::hours(1), "followup", reopened, "follow-up: score 1").take(), id);
  ASSERT_EQ(cases.get(id).take().status, "open");
  const auto second = reopened + std::chrono::hours(2);
  ASSERT_EQ(e.run_due(second).to_hub, 1);
  run_until([&] { return notifier->pending() == 0; });

  EXPECT_EQ(notifier->delivered(), 2);
  auto recorded = requests();
  ASSERT_EQ(recorded.size(), 2u) << recorded.dump();
  EXPECT_EQ(recorded[0]["headers"]["X-Outreach-Delivery"], hub_delivery(id, first));
  EXPECT_EQ(recorded[1]["headers"]["X-Outreach-Delivery"], hub_delivery(id, second));
  EXPECT_EQ(storage::NoticeQueue(*db_).get(hub_delivery(id, second)).take().status, storage::NoticeStatus::delivered);
}

TEST_F(EscalationNotifyTest, ANoticeQueuedBeforeACrashGoesOutOnceAfterTheRestart) {
  auto id = open_case("GM0606");
  const auto when = clock_.now() + std::chrono::hours(2);
  std::map<std::string, OwnerNotification> owners{{"GM0599", {server_->url("/fast"), kHubSecret}}};
  {
    auto notifier = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, owners).take();
    Escalator e(*db_, clock_, config_);
    e.set_notifier(notifier.get());
    ASSERT_EQ(e.run_due(when).to_hub, 1);
  }  // the crash: the io_context never ran, nothing left
  io_.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(requests().size(), 0u);
  const std::string delivery = hub_delivery(id, when);
  EXPECT_EQ(storage::NoticeQueue(*db_).get(delivery).take().status, storage::NoticeStatus::pending);

  auto restarted = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, owners).take();
  restarted->start();
  run_until([&] { return restarted->pending() == 0; });
  EXPECT_EQ(restarted->delivered(), 1);
  restarted.reset();
  auto again = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, owners).take();
  again->start();
  io_.restart();
  io_.run_for(std::chrono::milliseconds(300));
  auto recorded = requests();
  ASSERT_EQ(recorded.size(), 1u) << recorded.dump();
  EXPECT_EQ(recorded[0]["headers"]["X-Outreach-Delivery"], delivery);
  EXPECT_EQ(storage::NoticeQueue(*db_).get(delivery).take().status, storage::NoticeStatus::delivered);
  EXPECT_EQ(storage::NoticeQueue(*db_).get(delivery).take().attempts, 1);
}

// A retry waiting for its backoff survives a restart too, and keeps its attempt count.
TEST_F(EscalationNotifyTest, ARetryWaitingAtACrashIsRetriedAfterTheRestart) {
  auto id = open_case("GM0606");
  const auto when = clock_.now() + std::chrono::hours(2);
  WebhookEscalationOptions o;
  o.retry_delay = std::chrono::milliseconds(50);
  {
    std::map<std::string, OwnerNotification> down{{"GM0599", {server_->url("/status/503"), kHubSecret}}};
    auto notifier = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, down, o).take();
    Escalator e(*db_, clock_, config_);
    e.set_notifier(notifier.get());
    ASSERT_EQ(e.run_due(when).to_hub, 1);
    const std::string delivery = hub_delivery(id, when);
    run_until([&] { return storage::NoticeQueue(*db_).get(delivery).take().attempts == 1 &&
                           storage::NoticeQueue(*db_).get(delivery).take().status == storage::NoticeStatus::pending; });
  }  // the crash, while the retry waits
  std::map<std::string, OwnerNotification> up{{"GM0599", {server_->url("/fast"), kHubSecret}}};
  auto restarted = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, up, o).take();
  restarted->start();
  run_until([&] { return restarted->pending() == 0; });
  EXPECT_EQ(restarted->delivered(), 1);
  auto n = storage::NoticeQueue(*db_).get(hub_delivery(id, when)).take();
  EXPECT_EQ(n.status, storage::NoticeStatus::delivered);
  EXPECT_EQ(n.attempts, 2);
}

// kill -9 while the notice's request waits for an answer: an owner whose system cannot dedupe
// (dedupe: false) is not sent it again; the notice is `unknown`, for an operator to check.
TEST_F(EscalationNotifyTest, ANoticeInFlightAtACrashIsNotSentAgainWhenTheReceiverCannotDedupe) {
  auto id = open_case("GM0606");
  OwnerNotification slow{server_->url("/slow?ms=2000"), kHubSecret};
  slow.dedupe = false;
  const auto when = clock_.now() + std::chrono::hours(2);
  const std::string delivery = hub_delivery(id, when);
  {
    auto notifier = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, {{"GM0599", slow}}).take();
    Escalator e(*db_, clock_, config_);
    e.set_notifier(notifier.get());
    ASSERT_EQ(e.run_due(when).to_hub, 1);
    run_until([&] { return storage::NoticeQueue(*db_).get(delivery).take().status == storage::NoticeStatus::sending; });
    io_.run_for(std::chrono::milliseconds(200));  // the request reaches the server
  }  // the crash
  OwnerNotification fast{server_->url("/fast"), kHubSecret};
  fast.dedupe = false;
  auto restarted = WebhookEscalationNotifier::create(io_, multi_, clock_, *db_, {{"GM0599", fast}}).take();
  restarted->start();
  io_.restart();
  io_.run_for(std::chrono::milliseconds(300));
  auto n = storage::NoticeQueue(*db_).get(delivery).take();
  EXPECT_EQ(n.status, storage::NoticeStatus::unknown);
  EXPECT_NE(n.last_error.find("cannot dedupe"), std::string::npos) << n.last_error;
  for (const auto& r : requests()) EXPECT_NE(r["path"], "/fast") << "sent again: " << r.dump();
}

}  // namespace
}  // namespace outreach::engine
