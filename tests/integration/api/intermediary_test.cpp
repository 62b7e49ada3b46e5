// The intermediary channel end to end: the engine routes people to intermediaries, sends each one
// digest (a signed webhook to a real loopback HTTP server, an e-mail to a real aiosmtpd), and the
// intermediaries' signed reports back through the real HTTP API become contact logs with consent
// evidence, do-not-contact, and a municipality's response list entry with a case.

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <set>

#include "tests/integration/api/api_fixture.h"
#include "tests/support/actors.h"
#include "channels/webhook_connector.h"
#include "services/campaign_desk.h"
#include "engine/channel_set.h"
#include "engine/digest_recovery.h"
#include "engine/dispatcher.h"
#include "storage/digest_store.h"
#include "storage/contact_log_store.h"
#include "storage/outbox.h"
#include "storage/suppression_list.h"
#include "tests/support/http_recorder.h"
#include "tests/support/require_tool.h"
#include "tests/support/smtp_server.h"

namespace outreach::test {
namespace {

constexpr const char* kBuurtSecret = "buurt-secret-0123456789";
constexpr const char* kSleutelSecret = "sleutel-secret-0123456789";

class IntermediaryTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    auto recorder = HttpRecorder::start();
    OUTREACH_REQUIRE_TOOL(recorder, "loopback HTTP server unavailable: " << recorder.error().what());
    recorder_ = std::move(*recorder);
    smtp_ = std::make_unique<SmtpSink>();
    OUTREACH_REQUIRE_TOOL(smtp_->ok(), "SMTP sink unavailable: " << smtp_->error());

    auto& ch = config_.channels["intermediary"];
    ch.provider = "intermediary";
    ch.rate = engine::RateLimit{1000, 1000};
    config_.frequency_cap_messages = 100;
    engine::IntermediaryConfig buurt;
    buurt.settings = {.key = "buurt", .name = "Buurtvrouwen Rotterdam", .delivery = channels::IntermediaryDelivery::webhook,
                      .webhook_url = recorder_->url("/status/202"), .secret = kBuurtSecret};
    buurt.municipalities = {"GM0599"};
    buurt.languages = {"nl"};
    engine::IntermediaryConfig sleutel;
    sleutel.settings = {.key = "sleutel", .name = "Sleutelpersonen Rijnmond", .delivery = channels::IntermediaryDelivery::email,
                        .email = "team@sleutel.example.org", .secret = kSleutelSecret};
    sleutel.regions = {"rijnmond"};
    config_.intermediaries = {buurt, sleutel};
    channels::EmailSettings smtp;
    smtp.smtp_url = smtp_->url();
    smtp.from_address = "herstel@outreach.example.org";
    smtp.starttls = false;
    config_.digest_smtp = channels::validate_email_settings(smtp).take();
    config_.digest.linger = core::Millis(0);
    outbox_ = std::make_unique<storage::Outbox>(*db_);

    // Everyone consented to being approached in person.
    for (auto id : {alice_, bob_, cem_, dirk_, eva_}) {
      storage::ConsentEvent e;
      e.contact_id = id;
      e.purpose = "peer-contact";
      e.source = "paper";
      e.collector = "test";
      e.at = clock_.now();
      storage::ConsentLedger(*db_).record(e).take();
    }
    const std::string yaml =
        "campaign: handover\nname: Persoonlijk contact\nsender: Herstelteam\nconsent_purpose: outreach\n"
        "asks_for: share\naudience: {municipalities: [GM0599, GM0606, GM0363]}\n"
        "send_window: {days: [mon, tue, wed, thu, fri, sat, sun], hours: \"00:00-24:00\", timezone: Europe/Amsterdam}\n"
        "steps:\n  - id: handover\n    after: 0d\n    channels: [intermediary]\n    template: handover\n"
        "templates:\n  handover:\n"
        "    nl: {subject: \"Verzoek om contact\", text: \"Beste {{intermediary_name}}, wilt u {{name}} uit "
        "{{municipality_name}} benaderen?\"}\n";  // Dutch only: Cem's digest entry still says he prefers tr
    ASSERT_TRUE(desk_->save(actor("coord"), yaml, "handover.yaml"));
    ASSERT_TRUE(desk_->submit(actor("coord"), "handover"));
    ASSERT_TRUE(desk_->approve(actor("approver"), "handover"));
    auto launched = desk_->launch(actor("coord"), "handover");
    ASSERT_TRUE(launched) << launched.error().what();
  }

  void TearDown() override {
    channels_.reset();
    outbox_.reset();
    ApiTest::TearDown();
  }

  // Runs the engine until every claimed person's digest was answered.
  void dispatch(int expected_claims = 5) {
    channels_ = engine::ChannelSet::build(engine_ioc_, *outbox_, config_, &clock_).take();
    engine::Dispatcher dispatcher(*db_, clock_, config_, channels_->senders());
    ASSERT_EQ(dispatcher.run_due(clock_.now()), expected_claims);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (dispatcher.in_flight() > 0 && std::chrono::steady_clock::now() < deadline)
      engine_ioc_.run_one_for(std::chrono::milliseconds(100));
    dispatcher.flush();
    ASSERT_EQ(dispatcher.in_flight(), 0u);
    for (const auto& i : config_.intermediaries) ctx_.intermediaries[i.settings.key] = channels_->intermediary(i.settings.key);
  }

  storage::MessageRow message_of(std::int64_t contact) {
    SQLite::Statement st(db_->sqlite(), "SELECT id FROM messages WHERE contact_id = ?1");
    st.bind(1, static_cast<int64_t>(contact));
    EXPECT_TRUE(st.executeStep());
    return storage::Outbox(*db_).get(st.getColumn(0).getInt64()).take();
  }

  Reply report(const std::string& key, const json& body, const std::string& secret, core::TimePoint signed_at) {
    const std::string text = body.dump();
    channels::Headers h;
    channels::add_signature_headers(h, secret, signed_at, text);
    std::vector<std::string> headers;
    for (const auto& [name, value] : h) headers.push_back(name + ": " + value);
    return request("POST", "/v1/intermediaries/" + key + "/reports", {}, text, headers);
  }

  json entry(std::int64_t contact, const std::string& outcome) {
    return {{"ref", std::to_string(message_of(contact).id)}, {"outcome", outcome}};
  }

  std::unique_ptr<HttpRecorder> recorder_;
  std::unique_ptr<SmtpSink> smtp_;
  // The engine's own loop; declared before the channels that live on it.
  boost::asio::io_context engine_ioc_;
  std::unique_ptr<storage::Outbox> outbox_;
  std::unique_ptr<engine::ChannelSet> channels_;
};

TEST_F(IntermediaryTest, EachIntermediaryGetsOneDigestOfThePeopleRoutedToIt) {
  dispatch();
  // Webhook: Alice and Bob (Rotterdam, Dutch), signed, with what to tell each of them.
  auto requests = json::parse(recorder_->requests_json());
  ASSERT_EQ(requests.size(), 1u) << requests.dump();
  const auto& r = requests[0];
  EXPECT_EQ(r["path"], "/status/202");
  std::string body = r["body"];
  channels::Headers headers;
  for (auto& [k, v] : r["headers"].items()) headers.emplace_back(k, v.get<std::string>());
  EXPECT_TRUE(channels::verify_v1(headers, body, kBuurtSecret, clock_.now()).ok());
  auto digest = json::parse(body);
  EXPECT_EQ(digest["intermediary"], "buurt");
  ASSERT_EQ(digest["people"].size(), 2u);
  EXPECT_EQ(digest["people"][0]["name"], "Alice Rotterdam");
  EXPECT_EQ(digest["people"][0]["phone"], "+31612340001");
  EXPECT_EQ(digest["people"][0]["ref"], std::to_string(message_of(alice_).id));
  EXPECT_EQ(digest["people"][0]["message"], "Beste Buurtvrouwen Rotterdam, wilt u Alice Rotterdam uit Rotterdam benaderen?");
  EXPECT_EQ(digest["people"][1]["name"], "Bob Rotterdam");

  // E-mail: Cem (Turkish, Rotterdam: not served by the buurt team) and Dirk (Schiedam, in the region).
  ASSERT_TRUE(smtp_->wait_for(1, std::chrono::seconds(5)));
  ASSERT_EQ(smtp_->messages().size(), 1u);
  std::ifstream in(smtp_->messages()[0]);
  std::string mail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(mail.find("team@sleutel.example.org"), std::string::npos);
  EXPECT_NE(mail.find("Cem Rotterdam"), std::string::npos);
  EXPECT_NE(mail.find("Dirk Schiedam"), std::string::npos);
  EXPECT_EQ(mail.find("Alice Rotterdam"), std::string::npos);
  EXPECT_NE(mail.find("taal tr"), std::string::npos) << "the intermediary learns the person's own language";

  // The outbox names where each went and the digest's batch id; nobody routed is not sent.
  const auto alice = message_of(alice_);
  EXPECT_EQ(alice.status, storage::MessageStatus::sent) << alice.reason;
  EXPECT_EQ(alice.urn, "intermediary:buurt");
  EXPECT_EQ(alice.provider_id, digest["batch_id"]);
  EXPECT_EQ(message_of(bob_).provider_id, alice.provider_id);
  const auto cem = message_of(cem_);
  EXPECT_EQ(cem.urn, "intermediary:sleutel");
  EXPECT_TRUE(cem.provider_id.starts_with("sleutel-")) << cem.provider_id;
  EXPECT_EQ(message_of(dirk_).provider_id, cem.provider_id);
  const auto eva = message_of(eva_);
  EXPECT_EQ(eva.status, storage::MessageStatus::suppressed);
  EXPECT_EQ(eva.reason, "no intermediary serves GM0363 in language nl");
}

TEST_F(IntermediaryTest, ADigestHoldsAtMostMaxPeople) {
  config_.digest.max_people = 1;
  dispatch();
  auto requests = json::parse(recorder_->requests_json());
  ASSERT_EQ(requests.size(), 2u) << requests.dump();
  std::set<std::string> batches;
  for (const auto& r : requests) {
    auto digest = json::parse(r["body"].get<std::string>());
    EXPECT_EQ(digest["people"].size(), 1u);
    batches.insert(digest["batch_id"]);
  }
  EXPECT_EQ(batches.size(), 2u) << "each digest has its own batch id";
  EXPECT_TRUE(smtp_->wait_for(2, std::chrono::seconds(5)));
  EXPECT_NE(message_of(alice_).provider_id, message_of(bob_).provider_id);
  EXPECT_EQ(message_of(bob_).status, storage::MessageStatus::sent);
}

TEST_F(IntermediaryTest, ReportBackBecomesContactLogConsentAndTheMunicipalitysList) {
  dispatch();
  const std::string batch = message_of(alice_).provider_id;
  json wants_help = entry(alice_, "reached_wants_help");
  wants_help["mode"] = "visit";
  wants_help["note"] = "Belt liever na 18 uur";
  wants_help["consent"] = {{"purposes", {"share:GM0599"}}, {"text_id", "toestemming-delen"}, {"text_version", 3},
                           {"language", "nl"}};
  json body = {{"batch_id", batch}, {"reports", {wants_help, entry(bob_, "asked_no_contact")}}};
  auto r = report("buurt", body, kBuurtSecret, clock_.now());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["recorded"], 2);
  EXPECT_EQ(r.j()["cases"], 1);

  auto logs = storage::ContactLogStore(*db_).for_contact(alice_);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].collector, "intermediary:buurt");
  EXPECT_EQ(logs[0].mode, "visit");
  EXPECT_EQ(logs[0].outcome, "reached_wants_help");
  EXPECT_EQ(logs[0].note, "Belt liever na 18 uur");
  // Consent evidence: who collected it, which text and version, in which language, from which report.
  auto history = storage::ConsentLedger(*db_).history(alice_);
  ASSERT_FALSE(history.empty());
  const auto& given = history.back();
  EXPECT_EQ(given.purpose, "share:GM0599");
  EXPECT_EQ(given.source, "intermediary");
  EXPECT_EQ(given.collector, "intermediary:buurt");
  EXPECT_EQ(given.text_id, "toestemming-delen");
  EXPECT_EQ(given.text_version, "3");
  EXPECT_EQ(given.language, "nl");
  EXPECT_EQ(given.origin_form, "intermediary-report:" + batch);
  EXPECT_TRUE(storage::ContactStore(*db_).get(bob_).take().do_not_contact);

  // Rotterdam now sees Alice, with an open case; not Bob.
  auto list = get("/v1/municipalities/GM0599/responses", "gm0599");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.j()["items"].size(), 1u) << list.body;
  EXPECT_EQ(list.j()["items"][0]["name"], "Alice Rotterdam");
  EXPECT_EQ(count("cases"), 1);

  // Delivered twice: recorded once.
  auto again = report("buurt", body, kBuurtSecret, clock_.now());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.j()["recorded"], 0);
  EXPECT_EQ(again.j()["duplicates"], 2);
  EXPECT_EQ(count("contact_logs"), 2);

  // Erased since the digest: the rest of a report is recorded, nothing about the erased person.
  storage::SuppressionList suppressions(*db_, config_.suppression_key);
  ASSERT_TRUE(storage::ContactStore(*db_).erase(alice_, suppressions, clock_.now()).ok());
  json later = {{"batch_id", batch}, {"reports", {entry(alice_, "reached_no_help"), entry(bob_, "not_reached")}}};
  auto after_erasure = report("buurt", later, kBuurtSecret, clock_.now());
  ASSERT_EQ(after_erasure.status, 200) << after_erasure.body;
  EXPECT_EQ(after_erasure.j()["erased"], 1);
  EXPECT_EQ(after_erasure.j()["recorded"], 1);
  EXPECT_TRUE(storage::ContactLogStore(*db_).for_contact(alice_).empty());
}

TEST_F(IntermediaryTest, ForgedStaleOrForeignReportsRecordNothing) {
  dispatch();
  const std::string batch = message_of(alice_).provider_id;
  json body = {{"batch_id", batch}, {"reports", {entry(alice_, "reached_no_help")}}};
  const auto logs_before = count("contact_logs");
  const auto audit_before = count("audit_log");

  EXPECT_EQ(report("buurt", body, kSleutelSecret, clock_.now()).status, 403);                      // wrong key
  EXPECT_EQ(report("buurt", body, kBuurtSecret, clock_.now() - std::chrono::hours(1)).status, 403);  // replayed
  EXPECT_EQ(request("POST", "/v1/intermediaries/buurt/reports", {}, body.dump()).status, 403);        // unsigned
  EXPECT_EQ(report("nobody", body, kBuurtSecret, clock_.now()).status, 404);

  // Cem was in the other intermediary's digest: the whole report is refused, naming the entry,
  // and the valid entry before it is not recorded either.
  json mixed = {{"batch_id", batch}, {"reports", {entry(alice_, "reached_no_help"), entry(cem_, "not_reached")}}};
  auto r = report("buurt", mixed, kBuurtSecret, clock_.now());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("reports[1].ref"), std::string::npos) << r.body;
  json bad_mode = {{"batch_id", batch}, {"reports", {entry(alice_, "reached_no_help")}}};
  bad_mode["reports"][0]["mode"] = "carrier-pigeon";
  auto m = report("buurt", bad_mode, kBuurtSecret, clock_.now());
  EXPECT_EQ(m.status, 400) << m.body;
  EXPECT_NE(m.body.find("mode"), std::string::npos) << m.body;

  EXPECT_EQ(count("contact_logs"), logs_before);
  EXPECT_EQ(count("consent_events"), 5);  // the peer-contact grants of the set-up only
  EXPECT_EQ(count("audit_log"), audit_before);
}

// kill -9 while a digest lingers: its people were claimed (`sending`) but nobody outside has heard
// of them. After the restart they are queued again and go out once, in a new digest.
TEST_F(IntermediaryTest, AWaitingDigestSurvivesACrashAndGoesOutOnce) {
  config_.digest.linger = std::chrono::hours(1);
  {
    auto channels = engine::ChannelSet::build(engine_ioc_, *outbox_, config_, &clock_).take();
    engine::Dispatcher dispatcher(*db_, clock_, config_, channels->senders());
    ASSERT_EQ(dispatcher.run_due(clock_.now()), 5);
    engine_ioc_.run_for(std::chrono::milliseconds(100));
    EXPECT_EQ(storage::DigestStore(*db_).count(), 4) << "Alice, Bob (buurt), Cem, Dirk (sleutel) wait";
    EXPECT_EQ(message_of(alice_).status, storage::MessageStatus::sending);
  }  // the crash: nothing flushed, nothing sent
  engine_ioc_.restart();
  EXPECT_EQ(json::parse(recorder_->requests_json()).size(), 0u);
  EXPECT_EQ(smtp_->messages().size(), 0u);

  auto recovered = engine::recover_digests(*db_, clock_.now());
  ASSERT_TRUE(recovered) << recovered.error().what();
  EXPECT_EQ(recovered->requeued, 4);
  EXPECT_EQ(recovered->unknown, 0);
  EXPECT_EQ(message_of(alice_).status, storage::MessageStatus::queued);
  EXPECT_EQ(storage::DigestStore(*db_).count(), 0);
  EXPECT_EQ(engine::recover_digests(*db_, clock_.now())->total(), 0) << "recovery is done once";

  config_.digest.linger = core::Millis(0);
  dispatch(4);  // Eva (no intermediary serves her) failed before the crash
  auto requests = json::parse(recorder_->requests_json());
  ASSERT_EQ(requests.size(), 1u) << requests.dump();
  auto digest = json::parse(requests[0]["body"].get<std::string>());
  EXPECT_EQ(digest["people"].size(), 2u) << "Alice and Bob, once each";
  ASSERT_TRUE(smtp_->wait_for(1, std::chrono::seconds(5)));
  engine_ioc_.run_for(std::chrono::milliseconds(200));
  EXPECT_EQ(smtp_->messages().size(), 1u);
  for (auto id : {alice_, bob_, cem_, dirk_}) {
    EXPECT_EQ(message_of(id).status, storage::MessageStatus::sent);
    EXPECT_EQ(message_of(id).attempts, 1) << "sent once";
  }
  EXPECT_EQ(message_of(alice_).provider_id, digest["batch_id"]);
  EXPECT_EQ(storage::DigestStore(*db_).count(), 0);
}

// kill -9 while a digest's request waits for its answer: it may have arrived, so its people become
// `unknown` at once (not after the lease), carrying the batch id so the intermediary can still
// report back. A digest that was accepted but not yet recorded ends `sent`.
TEST_F(IntermediaryTest, ADigestInFlightAtACrashLeavesItsPeopleUnknownWithTheBatchId) {
  config_.intermediaries[0].settings.webhook_url = recorder_->url("/slow?ms=5000");
  {
    auto channels = engine::ChannelSet::build(engine_ioc_, *outbox_, config_, &clock_).take();
    engine::Dispatcher dispatcher(*db_, clock_, config_, channels->senders());
    ASSERT_EQ(dispatcher.run_due(clock_.now()), 5);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while ((dispatcher.in_flight() > 2 || smtp_->messages().empty()) && std::chrono::steady_clock::now() < deadline)
      engine_ioc_.run_one_for(std::chrono::milliseconds(50));
    ASSERT_EQ(smtp_->messages().size(), 1u) << "the e-mail digest went out and was answered";
    ASSERT_EQ(dispatcher.in_flight(), 2u) << "the webhook digest is still waiting for its answer";
  }  // the crash
  engine_ioc_.restart();
  auto recovered = engine::recover_digests(*db_, clock_.now());
  ASSERT_TRUE(recovered) << recovered.error().what();
  EXPECT_EQ(recovered->unknown, 2);
  EXPECT_EQ(recovered->requeued, 0);
  const auto alice = message_of(alice_);
  EXPECT_EQ(alice.status, storage::MessageStatus::unknown);
  EXPECT_EQ(alice.urn, "intermediary:buurt");
  EXPECT_NE(alice.reason.find("may have arrived"), std::string::npos) << alice.reason;
  EXPECT_EQ(message_of(bob_).provider_id, alice.provider_id);
  for (auto id : {cem_, dirk_}) EXPECT_EQ(message_of(id).status, storage::MessageStatus::sent);
  EXPECT_EQ(storage::DigestStore(*db_).count(), 0);

  // The digest had arrived after all: the intermediary reports back on it, and that is accepted.
  channels_ = engine::ChannelSet::build(engine_ioc_, *outbox_, config_, &clock_).take();
  for (const auto& i : config_.intermediaries) ctx_.intermediaries[i.settings.key] = channels_->intermediary(i.settings.key);
  json body = {{"batch_id", alice.provider_id}, {"reports", {entry(alice_, "reached_no_help")}}};
  auto r = report("buurt", body, kBuurtSecret, clock_.now());
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace outreach::test
