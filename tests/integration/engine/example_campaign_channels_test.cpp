// The example campaign (config/campaigns/herstel-rijnmond.yaml) with the sample contacts
// (config/data/contacts.csv, imported by the real CLI), launched with four eyes through
// CampaignDesk and run by the real engine (Dispatcher on ChannelSet, HttpTransport on an
// io_context) on a manual clock through all three steps, with real connectors against loopback
// servers:
//   sms       Twilio connector  -> Prism serving ../shared/specs/twilio_api_v2010.json (unmodified)
//   whatsapp  WhatsApp connector -> Prism serving ../shared/specs/meta_business-messaging-api_v23.0.yaml
//   email     smtp connector    -> the aiosmtpd sink (tests/support/smtp_sink.py)
//   intermediary  IntermediarySender (provider "intermediary") -> signed webhook digests to the
//             loopback recorder (tests/support/loopback_http_server.py)
// Between step 1 and the reminder three people answer by SMS through the Twilio webhook path
// (signed, verified, parsed, then InboundProcessor): two JA, one STOP.
// Checks what a user would notice: every row ends in a final named state; sent rows carry the
// provider id the server returned; Prism validated every request (any 422 or violation fails);
// the sink stored one message per e-mail row with the rendered subject; the funnel adds up; the
// people who answered get no reminder.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "campaigns/campaign_parser.h"
#include "campaigns/template_renderer.h"
#include "channels/connector.h"
#include "channels/form_encoding.h"
#include "channels/twilio_connector.h"
#include "core/clock.h"
#include "core/urn.h"
#include "services/campaign_desk.h"
#include "engine/channel_set.h"
#include "engine/dispatcher.h"
#include "engine/engine_config.h"
#include "engine/inbound.h"
#include "engine/scheduler.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/outbox.h"
#include "tests/support/http_recorder.h"
#include "tests/support/prism_server.h"
#include "tests/support/require_tool.h"
#include "tests/support/smtp_server.h"
#include "tests/support/actors.h"

namespace outreach {
namespace {

using test::PrismServer;

constexpr const char* kAccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr const char* kAuthToken = "twilio-test-token";
constexpr const char* kTwilioWebhookUrl = "https://outreach.example.org/webhooks/twilio";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Prism's log without colour codes.
std::string plain_log(const PrismServer& prism) {
  std::string raw = slurp(prism.log_path()), out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\x1b') {
      while (i < raw.size() && raw[i] != 'm') ++i;
      continue;
    }
    out += raw[i];
  }
  return out;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

// The lines of Prism's log that report a refused or non-conforming request.
std::string violations(const std::string& log) {
  std::istringstream in(log);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.find("did not pass the validation") != std::string::npos || line.find("[VALIDATOR] ✖") != std::string::npos ||
        line.find("UNPROCESSABLE_ENTITY") != std::string::npos || line.find("Violation") != std::string::npos) {
      out += line + "\n";
    }
  }
  return out;
}

// The next Monday 08:00 UTC (09:00 in Amsterdam) after the real time: the CLI stamps contacts and
// their consent with the real clock, so the engine's manual clock starts after that.
core::TimePoint next_monday_morning() {
  using namespace std::chrono;
  const auto today = floor<days>(system_clock::now());
  const unsigned iso = weekday{today}.iso_encoding();  // Monday 1 .. Sunday 7
  const auto monday = today + days(iso == 1 ? 7 : 8 - iso);
  return core::TimePoint(duration_cast<core::Millis>(monday.time_since_epoch() + hours(8)));
}

struct RunResult {
  int code = -1;
  std::string output;
};

class ExampleCampaignChannels : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::make_temp_dir("outreach-example-channels-");
    db_path_ = dir_ + "/outreach.db";
    cli_config_ = dir_ + "/outreach.yaml";
    std::ofstream(cli_config_) << "database: " << db_path_ << "\n";
  }
  void TearDown() override {
    if (!HasFailure()) test::remove_tree(dir_);
    else std::fprintf(stderr, "kept %s for inspection\n", dir_.c_str());
  }

  // The real CLI on the test's database.
  RunResult cli(std::vector<std::string> args) {
    std::vector<std::string> argv = {OUTREACH_BINARY, "--config", cli_config_, "--db", db_path_};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = test::run_command(argv);
    return {r.exit_code, r.output};
  }

  std::string dir_, db_path_, cli_config_;
};

TEST_F(ExampleCampaignChannels, RunsThroughTwilioWhatsAppAndSmtpAgainstLoopbackServers) {
  const auto started = std::chrono::steady_clock::now();
  OUTREACH_REQUIRE_TOOL(PrismServer::find_executable(), PrismServer::kInstallHint);
  test::SmtpSink sink;
  OUTREACH_REQUIRE_TOOL(sink.ok(), "SMTP sink: " << sink.error());

  // Both Prisms start in parallel (each takes seconds to load its spec).
  auto twilio_start = std::async(std::launch::async, [] {
    return PrismServer::start(PrismServer::spec_path("twilio_api_v2010.json"), std::chrono::seconds(120));
  });
  auto meta_start = std::async(std::launch::async, [] {
    return PrismServer::start(PrismServer::spec_path("meta_business-messaging-api_v23.0.yaml"), std::chrono::seconds(120));
  });
  auto recorder_started = test::HttpRecorder::start();
  ASSERT_TRUE(recorder_started.ok()) << recorder_started.error().what();
  std::unique_ptr<test::HttpRecorder> recorder = std::move(*recorder_started);
  auto twilio_started = twilio_start.get();
  auto meta_started = meta_start.get();
  ASSERT_TRUE(twilio_started.ok()) << twilio_started.error().what();
  ASSERT_TRUE(meta_started.ok()) << meta_started.error().what();
  std::unique_ptr<PrismServer> twilio_prism = std::move(*twilio_started);
  std::unique_ptr<PrismServer> meta_prism = std::move(*meta_started);

  // Reference data, principals and the sample contacts through the app's own import.
  const std::string src = OUTREACH_SOURCE_DIR;
  auto r = cli({"municipalities", "load", "--file", src + "/config/data/municipalities.csv", "--regions",
                src + "/config/data/regions.csv"});
  ASSERT_EQ(r.code, 0) << r.output;
  ASSERT_EQ((r = cli({"principals", "add", "amira", "--kind", "coordinator"})).code, 0) << r.output;
  ASSERT_EQ((r = cli({"principals", "add", "joost", "--kind", "approver"})).code, 0) << r.output;
  ASSERT_EQ((r = cli({"contacts", "import", src + "/config/data/contacts.csv", "--as", "amira"})).code, 0) << r.output;

  // The engine's configuration: real connectors on loopback.
  engine::EngineConfig config = engine::sandbox_config();
  config.suppression_key = "test-suppression-key";
  config.frequency_cap_messages = 10;
  config.retry = engine::RetryConfig{core::Millis(1000), core::Millis(60000), 3};
  config.public_base_url = "https://outreach.example.org";
  for (auto& [name, ch] : config.channels) {
    ch.rate = engine::RateLimit{1000, 1000};
    ch.max_in_flight = 8;
  }
  auto& sms = config.channels.at("sms");
  sms.provider = "twilio";
  sms.settings.provider = "twilio";
  sms.settings.base_url = twilio_prism->base_url();
  sms.settings.values = {{"account_sid", kAccountSid}, {"auth_token", kAuthToken}, {"from", "+3197010203040"}};
  auto& whatsapp = config.channels.at("whatsapp");
  whatsapp.provider = "whatsapp";
  whatsapp.settings.provider = "whatsapp";
  whatsapp.settings.base_url = meta_prism->base_url();
  whatsapp.settings.values = {{"access_token", "meta-token"},
                              {"phone_number_id", "106540352242922"},
                              {"app_secret", "meta-app-secret"},
                              {"verify_token", "verify"},
                              {"template", "herstel_bericht"}};
  auto& email = config.channels.at("email");
  email.provider = "smtp";
  email.settings.provider = "smtp";
  email.settings.base_url = sink.url();
  email.settings.values = {{"from_address", "herstel@rijnmond.example.nl"},
                           {"from_name", "Herstelteam Rijnmond"},
                           {"starttls", "false"},
                           {"message_id_secret", "example-campaign-message-id-secret"}};
  // One intermediary for the whole region; digests go out 50 ms after their first person.
  auto& intermediary = config.channels.at("intermediary");
  intermediary.provider = "intermediary";
  engine::IntermediaryConfig wijkteam;
  wijkteam.settings.key = "wijkteam-rijnmond";
  wijkteam.settings.name = "Wijkteam Rijnmond";
  wijkteam.settings.delivery = channels::IntermediaryDelivery::webhook;
  wijkteam.settings.webhook_url = recorder->url("/fast");
  wijkteam.settings.secret = "wijkteam-rijnmond-digest-secret";
  wijkteam.regions = {"rijnmond"};
  config.intermediaries = {wijkteam};
  config.digest.linger = std::chrono::milliseconds(50);
  // The campaign's generic page posts (posts:) need their page channel, as config/outreach.yaml
  // has it; posts are no outbox rows and stay on the sandbox here.
  if (auto page = core::parse_urn_scheme("page"); page.ok() && !config.channels.count("facebook_page")) {
    engine::ChannelConfig fb;
    fb.name = "facebook_page";
    fb.scheme = *page;
    config.channels["facebook_page"] = fb;
  }

  auto opened = storage::Database::open(db_path_);
  ASSERT_TRUE(opened.ok()) << opened.error().what();
  std::unique_ptr<storage::Database> db = std::move(*opened);
  const core::TimePoint start = next_monday_morning();
  core::ManualClock clock(start);

  // Save, submit, approve by a second person, launch: as `outreach campaign ...` does.
  const std::string campaign_file = src + "/config/campaigns/herstel-rijnmond.yaml";
  const std::string yaml = slurp(campaign_file);
  services::CampaignDesk desk(*db, clock, config);
  auto saved = desk.save(test::actor("amira"), yaml, campaign_file);
  ASSERT_TRUE(saved.ok()) << saved.error().what();
  ASSERT_TRUE(desk.submit(test::actor("amira"), "herstel-rijnmond").ok());
  EXPECT_FALSE(desk.approve(test::actor("amira"), "herstel-rijnmond").ok()) << "four eyes: the author may not approve";
  auto approved = desk.approve(test::actor("joost"), "herstel-rijnmond");
  ASSERT_TRUE(approved.ok()) << approved.error().what();
  auto launched = desk.launch(test::actor("amira"), "herstel-rijnmond");
  ASSERT_TRUE(launched.ok()) << launched.error().what();
  ASSERT_GT(launched->rows_added, 0);
  const std::int64_t campaign_id = launched->campaign_id;

  // The engine: connectors, transports and the dispatcher on one io_context.
  boost::asio::io_context ioc;
  storage::Outbox outbox(*db);
  auto channel_set = engine::ChannelSet::build(ioc, outbox, config, &clock);
  ASSERT_TRUE(channel_set.ok()) << channel_set.error().what();
  engine::ChannelSet& channels = **channel_set;
  ASSERT_NE(channels.connector("sms"), nullptr);
  ASSERT_NE(channels.connector("whatsapp"), nullptr);
  ASSERT_NE(channels.connector("email"), nullptr);
  engine::Dispatcher dispatcher(*db, clock, config, channels.senders());
  engine::InboundProcessor inbound(*db, clock, config, nullptr);
  inbound.set_reply_senders(channels.senders());
  // Between batches: run what the network has finished; wait a little while sends are in flight.
  auto pump = [&] {
    ioc.restart();
    ioc.poll();
    if (dispatcher.in_flight() > 0) {
      ioc.restart();
      ioc.run_one_for(std::chrono::milliseconds(20));
    }
  };
  const auto day = std::chrono::hours(24);

  // Step 1 (first_contact) goes out on the first day.
  engine::run_simulated(dispatcher, clock, start + 1 * day, pump);

  // Three people answer the first SMS through the Twilio webhook path: two JA, one STOP.
  std::vector<storage::MessageRow> first_sms;
  for (const auto& m : outbox.list(storage::MessageStatus::sent, campaign_id, 100000)) {
    if (m.step == 0 && m.channel == "sms") first_sms.push_back(m);
  }
  ASSERT_GE(first_sms.size(), 3u);
  const channels::Connector& twilio = *channels.connector("sms");
  std::map<std::int64_t, std::string> answered;  // contact -> text
  std::size_t confirmations = 0;                  // replies the engine sent back by SMS
  int n = 0;
  for (const char* text : {"JA", "ja!", "STOP"}) {
    const auto& m = first_sms[static_cast<std::size_t>(n) * (first_sms.size() / 3)];
    channels::FormFields fields = {{"MessageSid", "SMinbound" + std::to_string(++n)},
                                   {"AccountSid", kAccountSid},
                                   {"From", m.urn.substr(4)},
                                   {"To", "+3197010203040"},
                                   {"Body", text}};
    channels::WebhookRequest w;
    w.method = "POST";
    w.url = kTwilioWebhookUrl;
    w.target = "/webhooks/twilio";
    w.body = channels::form_encode(fields);
    w.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"X-Twilio-Signature", channels::twilio_signature(kAuthToken, kTwilioWebhookUrl, fields)}};
    ASSERT_TRUE(twilio.verify_signature(w).ok());
    channels::WebhookRequest tampered = w;
    tampered.body += "&Extra=1";
    EXPECT_FALSE(twilio.verify_signature(tampered).ok()) << "a body the signature does not cover is refused";
    auto events = twilio.parse_webhook(w);
    ASSERT_TRUE(events.ok()) << events.error().what();
    ASSERT_EQ(events->inbound.size(), 1u);
    clock.advance(std::chrono::minutes(5));
    auto handled = inbound.handle("sms", events->inbound[0]);
    ASSERT_TRUE(handled.ok()) << handled.error().what();
    EXPECT_EQ(handled->contact_id, m.contact_id);
    EXPECT_EQ(handled->campaign_id, campaign_id);
    answered[m.contact_id] = text;
    confirmations += handled->reply_text.empty() ? 0 : 1;
  }
  for (int i = 0; i < 200; ++i) pump();  // confirmations going back through Twilio

  // The reminder (4 days) and the handover (10 days) come due on the manual clock.
  engine::run_simulated(dispatcher, clock, std::nullopt, pump);
  for (int i = 0; i < 50 && dispatcher.in_flight() > 0; ++i) pump();
  ASSERT_EQ(dispatcher.in_flight(), 0u);
  desk.complete_finished(services::Actor::system("engine"));

  // 1. Every row in a final, named state; the funnel adds up.
  auto status = desk.status(test::actor("amira"), "herstel-rijnmond");
  ASSERT_TRUE(status.ok()) << status.error().what();
  std::int64_t total = 0;
  for (const auto& [name, count] : status->by_status) {
    auto parsed = storage::parse_message_status(name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_TRUE(storage::is_final(*parsed)) << count << " row(s) still " << name;
    total += count;
  }
  EXPECT_EQ(total, launched->rows_added);
  EXPECT_EQ(status->messages, launched->rows_added);
  std::int64_t funnel_total = 0;
  for (const auto& f : status->funnel) funnel_total += f.count;
  EXPECT_EQ(funnel_total, launched->rows_added);

  // Rows per (channel, status) and the provider ids they carry.
  std::map<std::string, std::map<std::string, int>> by_channel;
  std::vector<storage::MessageRow> rows;
  for (const auto& m : outbox.list(std::nullopt, campaign_id, 100000)) {
    rows.push_back(m);
    ++by_channel[m.channel.empty() ? "-" : m.channel][storage::to_string(m.status)];
  }
  ASSERT_EQ(static_cast<std::int64_t>(rows.size()), launched->rows_added);
  for (const auto& m : rows) {
    if (m.status != storage::MessageStatus::sent) continue;
    if (m.channel == "sms") {
      // Prism answers with the spec's example, whose sid is SM + 32 hex characters.
      EXPECT_EQ(m.provider_id, "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") << m.id;
    } else if (m.channel == "whatsapp") {
      EXPECT_EQ(m.provider_id.rfind("wamid.", 0), 0u) << m.id << " " << m.provider_id;
    } else if (m.channel == "email") {
      EXPECT_NE(m.provider_id.find("@rijnmond.example.nl"), std::string::npos) << m.id << " " << m.provider_id;
    } else if (m.channel == "intermediary") {
      EXPECT_FALSE(m.provider_id.empty()) << m.id;  // the digest's batch id
      EXPECT_EQ(m.provider_id.rfind("sandbox-", 0), std::string::npos) << m.provider_id;
    }
  }
  EXPECT_GT(by_channel["sms"]["sent"], 0);
  EXPECT_GT(by_channel["whatsapp"]["sent"], 0);
  EXPECT_GT(by_channel["email"]["sent"], 0);
  EXPECT_GT(by_channel["intermediary"]["sent"], 0);
  for (const auto& [channel, counts] : by_channel) {
    EXPECT_EQ(counts.count("failed"), 0u) << channel << ": failed rows";
    EXPECT_EQ(counts.count("unknown"), 0u) << channel << ": unknown rows";
  }

  // 2. Prism validated every request: no 422, no violation, one validation per request.
  const std::string twilio_log = plain_log(*twilio_prism);
  const std::string meta_log = plain_log(*meta_prism);
  EXPECT_EQ(violations(twilio_log), "") << "Twilio requests that do not conform";
  EXPECT_EQ(violations(meta_log), "") << "WhatsApp requests that do not conform";
  const std::size_t twilio_received = count_of(twilio_log, "Request received");
  const std::size_t meta_received = count_of(meta_log, "Request received");
  EXPECT_EQ(count_of(twilio_log, "The request passed the validation rules"), twilio_received);
  EXPECT_EQ(count_of(meta_log, "The request passed the validation rules"), meta_received);
  EXPECT_EQ(twilio_received, static_cast<std::size_t>(by_channel["sms"]["sent"]) + confirmations);
  EXPECT_EQ(meta_received, static_cast<std::size_t>(by_channel["whatsapp"]["sent"]));

  // The recorder got the digests: every intermediary row's person in exactly one of them.
  const std::string digests = recorder->requests_json();
  const std::size_t people = count_of(digests, "\\\"ref\\\"");
  EXPECT_EQ(people, static_cast<std::size_t>(by_channel["intermediary"]["sent"])) << digests.substr(0, 2000);
  EXPECT_GT(recorder->stats().requests, 0);

  // 3. The SMTP server stored one message per e-mail row, with the rendered subject (Python's email
  //    package decodes the RFC 2047 headers).
  const std::size_t email_rows = static_cast<std::size_t>(by_channel["email"]["sent"]);
  EXPECT_TRUE(sink.wait_for(email_rows, std::chrono::seconds(10)));
  EXPECT_EQ(sink.messages().size(), email_rows);
  const std::string script =
      "import email, email.policy, glob, json, sys\n"
      "out = {}\n"
      "for p in sorted(glob.glob(sys.argv[1] + '/*.eml')):\n"
      "    m = email.message_from_binary_file(open(p, 'rb'), policy=email.policy.default)\n"
      "    out[str(m['Message-ID']).strip('<>')] = [str(m['To']), str(m['Subject']), m.get_body(('plain',)) is not None]\n"
      "print(json.dumps(out, ensure_ascii=False))\n";
  auto parsed_mail = test::run_command({sink.python(), "-c", script, sink.directory() + "/mail"});
  ASSERT_EQ(parsed_mail.exit_code, 0) << parsed_mail.output;
  auto campaign = campaigns::parse_campaign(yaml, campaign_file);
  ASSERT_TRUE(campaign.ok());
  storage::ContactStore contacts(*db);
  std::size_t checked_mail = 0;
  for (const auto& m : rows) {
    if (m.channel != "email" || m.status != storage::MessageStatus::sent) continue;
    auto contact = contacts.get(m.contact_id);
    ASSERT_TRUE(contact.ok());
    const auto& step = campaign.campaign->steps.at(static_cast<std::size_t>(m.step));
    auto rendered = campaigns::render(*campaign.campaign, step.template_id, contact->language, {});
    ASSERT_TRUE(rendered.ok());
    // One JSON line: {"<message id>": ["<to>", "<subject>", true], ...}; look ours up as text.
    const std::string key = "\"" + m.provider_id + "\": [\"" + m.urn.substr(7) + "\", \"" + rendered->subject + "\", true]";
    EXPECT_NE(parsed_mail.output.find(key), std::string::npos) << "no stored message " << key;
    ++checked_mail;
  }
  EXPECT_EQ(checked_mail, email_rows);

  // 4. Whoever answered gets no reminder and no handover.
  for (const auto& m : rows) {
    if (m.step == 0 || !answered.count(m.contact_id)) continue;
    if (answered[m.contact_id] == "STOP") {
      EXPECT_TRUE(m.status == storage::MessageStatus::skipped || m.status == storage::MessageStatus::suppressed)
          << "step " << m.step << " after STOP: " << storage::to_string(m.status);
    } else {
      EXPECT_EQ(m.status, storage::MessageStatus::skipped) << "step " << m.step << " after JA";
    }
  }

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("example campaign: %lld rows, %zu Twilio and %zu WhatsApp requests validated by Prism, %zu e-mails "
              "stored, %d intermediary digest(s) with %zu people, %.1f s\n",
              static_cast<long long>(launched->rows_added), twilio_received, meta_received, sink.messages().size(),
              recorder->stats().requests, people, seconds);
  for (const auto& f : status->funnel) {
    std::printf("  step %d %-13s %-12s %-10s %lld\n", f.step, f.step_id.c_str(), f.channel.empty() ? "-" : f.channel.c_str(),
                f.status.c_str(), static_cast<long long>(f.count));
  }
  for (const auto& [channel, counts] : by_channel) {
    std::printf("  %-12s", channel.c_str());
    for (const auto& [st, count] : counts) std::printf(" %s %d", st.c_str(), count);
    std::printf("\n");
  }
}

}  // namespace
}  // namespace outreach
