// At most once when the provider misbehaves: the real engine (Dispatcher, Scheduler, HttpTransport
// on curl multi, the Twilio connector) sends two campaigns on the real clock, one through a
// loopback provider that misbehaves on command (tests/support/faulty_provider.py: 500, 502, 503
// with and without Retry-After (Twilio documents 503 as not serviced), 504, 429 with Retry-After,
// an answer slower than our timeout, a reset in the middle of the answer, a garbage body, a
// hang-up after reading the request, which libcurl would resend by itself on a reused
// connection if we let it), one through a healthy one.
// What a user would notice, checked from the provider's side and the outbox's:
//  - no (campaign, step, contact) was accepted by a provider twice (the server counts receipts per
//    reference, and a retried request only ever follows a "not accepted" answer);
//  - every row ends in a named state, and the state says what happened: sent, or unknown with the
//    reason for the doubt;
//  - retries follow the schedule (Retry-After honoured, at most max_attempts);
//  - a refused connection is retried and then fails with the reason.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "channels/twilio_connector.h"
#include "engine/dispatcher.h"
#include "engine/scheduler.h"
#include "engine/sender.h"
#include "net/curl_multi.h"
#include "net/http_transport.h"
#include "net/wire_lane.h"
#include "tests/support/engine_fixture.h"
#include "tests/support/http_recorder.h"

namespace outreach::test {
namespace {

using namespace std::chrono_literals;
using core::Millis;

constexpr Millis kTimeout{500};       // our transport timeout in this test
constexpr const char* kSlowMs = "1200";  // the "slow" fault answers after this: too late for us
constexpr int kPeople = 66;           // six of each fault below
constexpr const char* kFaults = "ok,500,502,503,504,503ra,429,slow,reset,garbage,hangup";

// The real connector with a shorter transport timeout, so "slower than the timeout" takes 0.5 s.
class ShortTimeout final : public channels::Connector {
 public:
  explicit ShortTimeout(channels::TwilioConfig c) : inner_(std::move(c)) {}
  std::string_view provider() const override { return inner_.provider(); }
  bool can_send_to(const core::Urn& to) const override { return inner_.can_send_to(to); }
  core::Result<channels::TransportRequest> build_send(const channels::OutboundMessage& msg) const override {
    auto r = inner_.build_send(msg);
    if (r) r->timeout = kTimeout;
    return r;
  }
  channels::SendOutcome parse_send(const channels::TransportResponse& r) const override { return inner_.parse_send(r); }
  core::Status verify_signature(const channels::WebhookRequest& w) const override { return inner_.verify_signature(w); }
  core::Result<channels::WebhookEvents> parse_webhook(const channels::WebhookRequest& w) const override {
    return inner_.parse_webhook(w);
  }

 private:
  channels::TwilioConnector inner_;
};

channels::TwilioConfig twilio_at(const std::string& base_url) {
  return channels::TwilioConfig{.base_url = base_url,
                                .account_sid = "AC0123456789abcdef0123456789abcdef",
                                .auth_token = "test-token",
                                .from = "+3197010203040",
                                .status_callback = "https://outreach.example.org/webhooks/twilio"};
}

class ProviderFaults : public EngineTest {
 protected:
  void SetUp() override {
    ::setenv("SLOW_MS", kSlowMs, 1);
    auto faulty = HttpRecorder::start_script("faulty_provider.py", kFaults);
    ASSERT_TRUE(faulty) << faulty.error().what();
    faulty_ = std::move(*faulty);
    auto healthy = HttpRecorder::start_script("faulty_provider.py", "ok");
    ASSERT_TRUE(healthy) << healthy.error().what();
    healthy_ = std::move(*healthy);
    for (auto name : {"sms", "sms2"}) {
      engine::ChannelConfig ch;
      ch.name = name;
      ch.scheme = core::UrnScheme::tel;
      ch.provider = "twilio";
      ch.account = std::string("twilio:") + name;
      ch.rate = engine::RateLimit{10000, 10000};
      config.channels[name] = ch;
    }
    config.retry = engine::RetryConfig{Millis(200), Millis(400), 3};
    config.lease = Millis(60000);
    clock.set(real_.now());  // launch due now on the real clock
  }

  // Runs the live scheduler on the real clock until no row is waiting, queued or sending.
  void run_live(std::map<std::string, engine::Sender*> senders) {
    engine::Dispatcher dispatcher(*db, real_, config, std::move(senders));
    engine::Scheduler scheduler(io_, dispatcher, real_, Millis(50));
    scheduler.start();
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline && count_open() > 0) io_.run_for(100ms);
    bool stopped = false;
    scheduler.stop([&] { stopped = true; });
    while (!stopped && std::chrono::steady_clock::now() < deadline + 10s) io_.run_for(20ms);
    EXPECT_TRUE(stopped);
    EXPECT_EQ(count_open(), 0) << "rows left waiting, queued or sending";
  }

  void check_nothing_reaches_the_provider_twice(bool wire);

  // The server's receipts: reference -> [{at, fault, accepted, to}].
  static nlohmann::json received(const HttpRecorder& server) { return nlohmann::json::parse(server.get("/_received")); }

  core::SystemClock real_;
  boost::asio::io_context io_;
  std::unique_ptr<HttpRecorder> faulty_, healthy_;
};

// With `wire`, the transports run on a net::WireLane (engine::ChannelSet wire_thread): answers are
// classified there and handed back to the engine's thread; the promises are the same.
void ProviderFaults::check_nothing_reaches_the_provider_twice(bool wire) {
  for (int i = 1; i <= kPeople; ++i) person(i, false);
  const auto faults_campaign = launch(campaign_yaml("faults", one_step("[sms]")));
  const auto healthy_campaign = launch(campaign_yaml("healthy", one_step("[sms2]")));

  net::WireLane lane(io_);
  net::CurlMulti multi(wire ? lane.io() : io_);
  net::HttpTransport faulty_transport(multi, 16), healthy_transport(multi, 16);
  ShortTimeout faulty(twilio_at(faulty_->base_url())), healthy(twilio_at(healthy_->base_url()));
  engine::ConnectorSender to_faulty(faulty, faulty_transport, wire ? &lane : nullptr),
      to_healthy(healthy, healthy_transport, wire ? &lane : nullptr);
  lane.start();
  run_live({{"sms", &to_faulty}, {"sms2", &to_healthy}});
  lane.stop();  // before the transports and the multi go

  // The provider's side: who was accepted how often, and what came before a retry.
  std::map<std::string, int> by_fault_rows;
  int duplicates = 0;
  const auto faulty_seen = received(*faulty_);
  ASSERT_EQ(faulty_seen.size(), static_cast<std::size_t>(kPeople));
  for (const auto& [ref, receipts] : faulty_seen.items()) {
    int accepted = 0;
    for (const auto& r : receipts) accepted += r["accepted"].get<bool>() ? 1 : 0;
    if (accepted > 1) ++duplicates;
    EXPECT_LE(accepted, 1) << ref << " was accepted " << accepted << " times";
    EXPECT_LE(receipts.size(), 3u) << ref << ": more attempts than max_attempts";
    for (std::size_t i = 1; i < receipts.size(); ++i) {
      EXPECT_FALSE(receipts[i - 1]["accepted"].get<bool>()) << ref << ": retried after an answer that may have been accepted";
      const double gap = receipts[i]["at"].get<double>() - receipts[i - 1]["at"].get<double>();
      // With Retry-After: 1 the retry waits at least that; without, the jittered backoff of the
      // first retry is at most base (200 ms).
      const std::string fault = receipts[i - 1]["fault"].get<std::string>();
      if (fault == "503") {
        EXPECT_LE(gap, 0.2 + 2.0) << ref << ": the backoff ceiling is 200 ms (+ slack for a loaded machine)";
      } else {
        EXPECT_GE(gap, 0.95) << ref << ": retried before its Retry-After of 1 s";
        EXPECT_LE(gap, 1.0 + 2.0) << ref;
      }
    }
  }
  const auto healthy_seen = received(*healthy_);
  for (const auto& [ref, receipts] : healthy_seen.items()) {
    EXPECT_EQ(receipts.size(), 1u) << ref << " on the healthy provider";
  }
  EXPECT_EQ(healthy_seen.size(), static_cast<std::size_t>(kPeople));

  // The outbox's side: every row named, and the name matches what the provider did.
  storage::Outbox outbox(*db);
  std::map<std::string, std::int64_t> finals;
  for (const auto& r : outbox.list(std::nullopt, faults_campaign.campaign_id, 1000)) {
    ++finals[storage::to_string(r.status)];
    const std::string ref = "c" + std::to_string(r.campaign_id) + "-s0-k" + std::to_string(r.contact_id);
    ASSERT_TRUE(faulty_seen.contains(ref)) << ref;
    const std::string fault = faulty_seen[ref][0]["fault"].get<std::string>();
    ++by_fault_rows[fault];
    if (fault == "ok") {
      EXPECT_EQ(r.status, storage::MessageStatus::sent) << ref;
      EXPECT_EQ(r.attempts, 1) << ref;
    } else if (fault == "429" || fault == "503ra" || fault == "503") {
      EXPECT_EQ(r.status, storage::MessageStatus::sent) << ref << " (" << fault << ", then accepted): " << r.reason;
      EXPECT_EQ(r.attempts, 2) << ref;
    } else {
      EXPECT_EQ(r.status, storage::MessageStatus::unknown) << ref << " (" << fault << "): " << r.reason;
      EXPECT_EQ(r.attempts, 1) << ref;
      EXPECT_EQ(r.reason.rfind("ambiguous: twilio", 0), 0u) << ref << " (" << fault << "): " << r.reason;
    }
  }
  for (const auto& r : outbox.list(std::nullopt, healthy_campaign.campaign_id, 1000)) {
    EXPECT_EQ(r.status, storage::MessageStatus::sent) << r.id << ": " << r.reason;
  }
  for (const auto& [fault, n] : by_fault_rows) EXPECT_EQ(n, kPeople / 11) << fault;
  std::printf("provider faults: %d people x 2 campaigns; duplicates %d; faulty campaign rows: sent %lld, unknown %lld, "
              "failed %lld\n",
              kPeople, duplicates, static_cast<long long>(finals["sent"]), static_cast<long long>(finals["unknown"]),
              static_cast<long long>(finals["failed"]));
}

TEST_F(ProviderFaults, NothingReachesTheProviderTwiceAndEveryRowSaysWhatHappened) {
  check_nothing_reaches_the_provider_twice(false);
}

TEST_F(ProviderFaults, OnTheWireThreadNothingReachesTheProviderTwiceAndEveryRowSaysWhatHappened) {
  check_nothing_reaches_the_provider_twice(true);
}

// A connection refused never reached the provider: retried on the schedule, then failed with
// the reason after max_attempts.
TEST_F(ProviderFaults, ARefusedConnectionIsRetriedThenFailsWithTheReason) {
  for (int i = 1; i <= 3; ++i) person(i, false);
  launch(campaign_yaml("refused", one_step("[sms]")));
  net::CurlMulti multi(io_);
  net::HttpTransport transport(multi, 4);
  ShortTimeout closed(twilio_at("http://127.0.0.1:9"));  // discard port: nothing listens
  engine::ConnectorSender sender(closed, transport);
  const auto started = std::chrono::steady_clock::now();
  run_live({{"sms", &sender}, {"sms2", &sender}});
  for (const auto& r : storage::Outbox(*db).list(std::nullopt, std::nullopt, 100)) {
    EXPECT_EQ(r.status, storage::MessageStatus::failed) << r.id;
    EXPECT_EQ(r.attempts, 3);
    EXPECT_EQ(r.reason.rfind("gave up after 3 attempts: twilio: not sent: ", 0), 0u) << r.reason;
  }
  // Two backoffs of at most 200 ms and 400 ms (full jitter): well under the 60 s deadline.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);
}

}  // namespace
}  // namespace outreach::test
