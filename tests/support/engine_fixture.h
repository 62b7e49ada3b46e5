#pragma once
// Engine tests on a ManualClock: an in-memory database with municipalities, contacts with consent,
// campaigns saved, approved by a second principal and launched through CampaignDesk, and a
// scriptable FakeSender per channel that records what it was asked to send and answers with
// scripted SendOutcomes, synchronously or later (deferred) when the test says so.
// Header-only: the support library is linked into every test binary, most without the engine.

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "channels/connector.h"
#include "core/clock.h"
#include "services/campaign_desk.h"
#include "engine/dispatcher.h"
#include "engine/engine_config.h"
#include "engine/scheduler.h"
#include "engine/sender.h"
#include "storage/consent_ledger.h"
#include "storage/outbox.h"
#include "tests/support/storage_fixture.h"
#include "tests/support/actors.h"

namespace outreach::test {

struct FakeSend {
  std::int64_t message_id = 0;
  std::string channel;
  std::string to;          // the URN as a string: "tel:+31612340001"
  std::string client_ref;  // "c<campaign>-s<step>-k<contact>"
  std::string language;
  std::string text;
  core::TimePoint at{};    // the engine clock when the send was handed over
  std::string template_name;                 // a provider template (WhatsApp), when the step names one
  std::vector<std::string> template_params;
  std::string unsubscribe_url;  // the List-Unsubscribe link (RFC 8058), when the engine has a key
};

inline channels::SendOutcome sent_outcome(std::string provider_id = {}) {
  return {channels::SendVerdict::sent, std::move(provider_id), {}, std::nullopt};
}
inline channels::SendOutcome transient_outcome(std::string reason = "503 busy",
                                               std::optional<core::Millis> retry_after = std::nullopt) {
  return {channels::SendVerdict::transient, {}, std::move(reason), retry_after};
}
inline channels::SendOutcome permanent_outcome(std::string reason = "21211 invalid number") {
  return {channels::SendVerdict::permanent, {}, std::move(reason), std::nullopt};
}
inline channels::SendOutcome opted_out_outcome(std::string reason = "21610 unsubscribed recipient") {
  return {channels::SendVerdict::opted_out, {}, std::move(reason), std::nullopt};
}

// Answers from `script` in order, then `fallback` (sent). With `deferred`, answers wait in
// `pending` until complete_next()/complete_all() (as a provider on the network would).
class FakeSender final : public engine::Sender {
 public:
  explicit FakeSender(const core::Clock& clock) : clock_(clock) {}

  void send(std::int64_t message_id, const std::string& channel, const channels::OutboundMessage& msg,
            Done done) override {
    FakeSend s{message_id, channel,    msg.to.str(),      msg.client_ref,     msg.language,
               msg.text,   clock_.now(), msg.template_name, msg.template_params, msg.unsubscribe_url};
    sends.push_back(s);
    channels::SendOutcome out;
    if (rule) {
      out = rule(s);
    } else if (!script.empty()) {
      out = script.front();
      script.pop_front();
    } else {
      out = fallback;
    }
    if (out.verdict == channels::SendVerdict::sent && out.provider_id.empty()) {
      out.provider_id = channel + "-" + std::to_string(++provider_seq_);
    }
    if (deferred) {
      pending.emplace_back(std::move(out), std::move(done));
      return;
    }
    done(std::move(out));
  }

  // Completes the oldest pending send. Returns false when none is pending.
  bool complete_next() {
    if (pending.empty()) return false;
    auto [out, done] = std::move(pending.front());
    pending.pop_front();
    done(std::move(out));
    return true;
  }
  std::size_t complete_all() {
    std::size_t n = 0;
    while (complete_next()) ++n;
    return n;
  }
  std::size_t count_to(const std::string& to) const {
    std::size_t n = 0;
    for (const auto& s : sends) n += s.to == to ? 1 : 0;
    return n;
  }

  std::deque<channels::SendOutcome> script;
  channels::SendOutcome fallback = sent_outcome();
  std::function<channels::SendOutcome(const FakeSend&)> rule;  // overrides script when set
  bool deferred = false;
  std::vector<FakeSend> sends;
  std::deque<std::pair<channels::SendOutcome, Done>> pending;

 private:
  const core::Clock& clock_;
  int provider_seq_ = 0;
};

class EngineTest : public StorageTest {
 protected:
  EngineTest() : sms(clock), email(clock), whatsapp(clock) {
    add_region("rijnmond", "GM0599");
    add_municipality("GM0599", "rijnmond");
    add_municipality("GM0606", "rijnmond");
    config = engine::sandbox_config();
    config.suppression_key = "test-suppression-key";
    // Generous by default; tests that are about a limit set it.
    for (auto& [name, ch] : config.channels) ch.rate = engine::RateLimit{10000, 10000};
    config.frequency_cap_messages = 100;
    config.retry = engine::RetryConfig{core::Millis(1000), core::Millis(60000), 5};
    config.circuit.failure_threshold = 0;  // off unless a test is about it
  }

  // A campaign with every day 00:00-24:00 unless `window` says otherwise. `steps` is the YAML list
  // under "steps:", indented by two spaces; templates "first" and "second" exist.
  static std::string campaign_yaml(const std::string& key, const std::string& steps,
                                   const std::string& window =
                                       "{days: [mon, tue, wed, thu, fri, sat, sun], hours: \"00:00-24:00\", "
                                       "timezone: Europe/Amsterdam}",
                                   const std::string& extra = "asks_for: share\n") {
    return "campaign: " + key + "\n"
           "name: Test " + key + "\n"
           "sender: Herstelteam\n"
           "reply_number: \"+3197010203040\"\n"
           "consent_purpose: outreach\n" + extra +
           "audience: {municipalities: [GM0599, GM0606]}\n"
           "send_window: " + window + "\n"
           "steps:\n" + steps +
           "templates:\n"
           "  first:\n"
           "    nl: {subject: \"Hulp\", text: \"Beste {{name}}, hulp van {{municipality_name}}. Herstelteam. Stuur STOP.\"}\n"
           "    en: {subject: \"Help\", text: \"Dear {{name}}, help from {{municipality_name}}. Herstelteam. Send STOP.\"}\n"
           "  second:\n"
           "    nl: {subject: \"Herinnering\", text: \"Herinnering voor {{name}}. Herstelteam. Stuur STOP.\"}\n";
  }
  static std::string one_step(const std::string& channels = "[sms]", const std::string& more = "") {
    return "  - id: one\n    after: 0d\n    channels: " + channels + "\n    template: first\n" + more;
  }

  services::CampaignDesk& desk() {
    if (!desk_) desk_ = std::make_unique<services::CampaignDesk>(*db, clock, config);
    return *desk_;
  }
  // save (amira) -> submit -> approve (joost) -> launch; fails the test on any refusal.
  services::LaunchReport launch(const std::string& yaml) {
    auto& d = desk();
    auto id = d.save(test::actor("amira"), yaml, "test.yaml");
    EXPECT_TRUE(id) << (id ? "" : id.error().what());
    const std::string key = yaml.substr(10, yaml.find('\n') - 10);
    EXPECT_TRUE(d.submit(test::actor("amira"), key));
    EXPECT_TRUE(d.approve(test::actor("joost"), key));
    auto r = d.launch(test::actor("amira"), key);
    EXPECT_TRUE(r) << (r ? "" : r.error().what());
    return r ? *r : services::LaunchReport{};
  }

  void grant(std::int64_t contact, const std::string& channel = "*", const std::string& purpose = "outreach") {
    consent(contact, channel, purpose, storage::ConsentAction::grant);
  }
  void withdraw(std::int64_t contact, const std::string& channel = "*", const std::string& purpose = "outreach") {
    consent(contact, channel, purpose, storage::ConsentAction::withdraw);
  }
  void consent(std::int64_t contact, const std::string& channel, const std::string& purpose,
               storage::ConsentAction action) {
    storage::ConsentEvent ev;
    ev.contact_id = contact;
    ev.purpose = purpose;
    ev.channel = channel;
    ev.action = action;
    ev.source = "test";
    ev.collector = "test";
    ev.at = clock.now();
    storage::ConsentLedger(*db).record(ev).take();
  }
  // A contact in GM0599 with phone +3161234<nnnn>, e-mail and consent on `consent_channel` (every
  // channel by default).
  std::int64_t person(int n, bool with_email = true, bool with_whatsapp = false,
                      const std::string& consent_channel = "*") {
    char phone[32];
    std::snprintf(phone, sizeof phone, "tel:+3161234%04d", n);
    const std::string mail = "mailto:p" + std::to_string(n) + "@example.nl";
    const std::string wa = std::string("whatsapp:") + (phone + 4);
    storage::Contact c;
    c.name = "Persoon " + std::to_string(n);
    c.municipality = "GM0599";
    c.addresses.push_back({core::Urn::parse(phone).take()});
    if (with_email) c.addresses.push_back({core::Urn::parse(mail).take()});
    if (with_whatsapp) c.addresses.push_back({core::Urn::parse(wa).take()});
    auto id = storage::ContactStore(*db).add(c, clock.now()).take();
    grant(id, consent_channel);
    return id;
  }
  static std::string phone_of(int n) {
    char phone[32];
    std::snprintf(phone, sizeof phone, "tel:+3161234%04d", n);
    return phone;
  }

  engine::Dispatcher& dispatcher() {
    if (!dispatcher_) {
      dispatcher_ = std::make_unique<engine::Dispatcher>(
          *db, clock, config,
          std::map<std::string, engine::Sender*>{{"sms", &sms}, {"email", &email}, {"whatsapp", &whatsapp}});
    }
    return *dispatcher_;
  }
  // Runs the engine on the manual clock until nothing is due (or `until`).
  std::uint64_t run(std::optional<core::TimePoint> until = std::nullopt) {
    return engine::run_simulated(dispatcher(), clock, until);
  }

  std::int64_t count_status(const std::string& status) {
    return sql_int("SELECT count(*) FROM messages WHERE status = '" + status + "'");
  }
  std::int64_t count_open() {
    return sql_int("SELECT count(*) FROM messages WHERE status IN ('waiting', 'queued', 'sending')");
  }
  storage::MessageRow row(std::int64_t campaign_id, int step, std::int64_t contact) {
    auto id = sql_int("SELECT id FROM messages WHERE campaign_id = " + std::to_string(campaign_id) +
                      " AND step = " + std::to_string(step) + " AND contact_id = " + std::to_string(contact));
    return storage::Outbox(*db).get(id).take();
  }

  engine::EngineConfig config;
  FakeSender sms, email, whatsapp;
  std::unique_ptr<services::CampaignDesk> desk_;
  std::unique_ptr<engine::Dispatcher> dispatcher_;
};

// 2026-xx-yy hh:mm UTC.
inline core::TimePoint utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  using namespace std::chrono;
  return core::TimePoint(duration_cast<core::Millis>(sys_days{year{y} / month{m} / day{d}}.time_since_epoch() +
                                                     hours{h} + minutes{min}));
}

}  // namespace outreach::test
