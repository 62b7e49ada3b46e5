// At most once, per connector: every connector reads the same transport failures and gateway
// answers the same way (channels/http_classify.h). A request that may have reached the provider is
// ambiguous, never transient; only failures before it left and answers that say "not accepted"
// are retried.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "channels/cm_connector.h"
#include "channels/email_connector.h"
#include "channels/http_classify.h"
#include "channels/messagebird_connector.h"
#include "channels/messenger_connector.h"
#include "channels/telegram_connector.h"
#include "channels/twilio_connector.h"
#include "channels/webhook_connector.h"
#include "channels/whatsapp_connector.h"
#include "core/clock.h"

namespace outreach::channels {
namespace {

using V = SendVerdict;

TransportResponse no_answer(std::string error, bool sent, bool timed_out = false) {
  TransportResponse r;
  r.transport_error = std::move(error);
  r.request_sent = sent;
  r.timed_out = timed_out;
  return r;
}
TransportResponse answer(int status, std::string body = {}, Headers headers = {}, std::string error = {}) {
  TransportResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  r.transport_error = std::move(error);
  r.request_sent = true;
  return r;
}

struct Case {
  const char* name;
  TransportResponse response;
  V http;  // what every HTTP connector answers, unless an override says otherwise
};

// The shared table: transport failures and gateway answers that carry no provider body.
std::vector<Case> shared_cases() {
  return {
      {"dns", no_answer("Could not resolve host: api.example", false), V::transient},
      {"refused", no_answer("Failed to connect to 127.0.0.1 port 9: Connection refused", false), V::transient},
      {"tls", no_answer("SSL connect error", false), V::transient},
      {"connect_timeout", no_answer("Connection timed out after 10001 milliseconds", false, true), V::transient},
      {"timeout_after_send", no_answer("Operation timed out after 10000 milliseconds with 0 bytes received", true, true),
       V::ambiguous},
      {"reset_waiting", no_answer("Recv failure: Connection reset by peer", true), V::ambiguous},
      {"empty_reply", no_answer("Empty reply from server", true), V::ambiguous},
      {"2xx_broken_off", answer(201, R"({"sid": "SM1", "id": "1", "me)", {},
                                "transfer closed with 20 bytes remaining to read"), V::ambiguous},
      {"500", answer(500, "<html>oops</html>"), V::ambiguous},
      {"502", answer(502, "<html>Bad Gateway</html>"), V::ambiguous},
      {"504", answer(504, "<html>Gateway Time-out</html>"), V::ambiguous},
      {"503_without_retry_after", answer(503, "<html>busy</html>"), V::ambiguous},
      {"503_with_retry_after", answer(503, "<html>busy</html>", {{"Retry-After", "7"}}), V::transient},
      {"429", answer(429, "{}", {{"retry-after", "3"}}), V::transient},
      {"408", answer(408, ""), V::transient},
      {"400", answer(400, "{}"), V::permanent},
      {"404", answer(404, "<html>no such page</html>"), V::permanent},
  };
}

struct Subject {
  std::string name;
  std::function<SendOutcome(const TransportResponse&)> parse;
  TransportResponse unreadable_2xx;       // a 2xx whose body the connector cannot read
  std::map<std::string, V> overrides;      // case name -> verdict where this provider documents otherwise
};

std::vector<Subject> subjects() {
  static core::ManualClock clock{core::from_millis(1795000000000)};
  static TwilioConnector twilio(TwilioConfig{.base_url = "http://127.0.0.1:1", .account_sid = "AC1", .auth_token = "t", .from = "+3197010000000"});
  static CmConnector cm(CmConfig{.base_url = "http://127.0.0.1:1", .product_token = "p", .from = "Herstel"});
  static MessageBirdConnector mb(MessageBirdConfig{.base_url = "http://127.0.0.1:1", .access_key = "k", .originator = "Herstel"}, clock);
  static WhatsAppConnector wa(WhatsAppConfig{});
  static MessengerConnector messenger(MessengerConfig{});
  static TelegramConnector telegram(TelegramConfig{});
  static WebhookConnector webhook(WebhookSettings{.name = "hub", .url = "http://127.0.0.1:1/hook", .secret = "0123456789abcdef"});
  return {
      // Twilio documents 503 as "temporarily unable to service the request".
      {"twilio", [](const TransportResponse& r) { return twilio.parse_send(r); }, answer(201, "<html>"),
       {{"503_without_retry_after", V::transient}}},
      {"cm", [](const TransportResponse& r) { return cm.parse_send(r); }, answer(200, "not json"), {}},
      {"messagebird", [](const TransportResponse& r) { return mb.parse_send(r); }, answer(201, "{}"), {}},
      {"whatsapp", [](const TransportResponse& r) { return wa.parse_send(r); }, answer(200, R"({"messages":[]})"), {}},
      {"messenger", [](const TransportResponse& r) { return messenger.parse_send(r); }, answer(200, "{}"), {}},
      {"telegram", [](const TransportResponse& r) { return telegram.parse_send(r); }, answer(200, R"({"ok":true})"), {}},
      // A webhook needs only the status: any 2xx is an acceptance.
      {"webhook", [](const TransportResponse& r) { return webhook.parse_response(r); }, {}, {}},
  };
}

TEST(SendClassification, EveryConnectorSortsFailuresIntoRetryAmbiguousOrPermanent) {
  for (const auto& s : subjects()) {
    for (const auto& c : shared_cases()) {
      auto it = s.overrides.find(c.name);
      const V want = it == s.overrides.end() ? c.http : it->second;
      const SendOutcome got = s.parse(c.response);
      EXPECT_EQ(to_string(got.verdict), std::string(to_string(want))) << s.name << " / " << c.name << ": " << got.reason;
      EXPECT_FALSE(got.reason.empty()) << s.name << " / " << c.name;
    }
  }
}

TEST(SendClassification, AnAcceptanceWeCannotReadIsAmbiguousNotRetried) {
  for (const auto& s : subjects()) {
    if (s.unreadable_2xx.status == 0) continue;
    const SendOutcome got = s.parse(s.unreadable_2xx);
    EXPECT_EQ(to_string(got.verdict), std::string("ambiguous")) << s.name << ": " << got.reason;
  }
}

TEST(SendClassification, RetryAfterIsHonouredOnlyWhenRetrying) {
  for (const auto& s : subjects()) {
    auto limited = s.parse(answer(429, "{}", {{"Retry-After", "3"}}));
    EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(3000)) << s.name;
    auto busy = s.parse(answer(503, "", {{"Retry-After", "7"}}));
    EXPECT_EQ(busy.retry_after, std::chrono::milliseconds(7000)) << s.name;
    auto gateway = s.parse(answer(502, "", {{"Retry-After", "7"}}));
    EXPECT_EQ(to_string(gateway.verdict), std::string("ambiguous")) << s.name;
  }
}

TEST(SendClassification, ReasonsSayWhetherTheRequestLeft) {
  TwilioConnector twilio(TwilioConfig{.account_sid = "AC1"});
  EXPECT_EQ(twilio.parse_send(no_answer("Connection refused", false)).reason, "twilio: not sent: Connection refused");
  EXPECT_EQ(twilio.parse_send(no_answer("Operation timed out after 300 milliseconds", true, true)).reason,
            "twilio: no answer after the request was sent: Operation timed out after 300 milliseconds");
  EXPECT_EQ(twilio.parse_send(answer(201, R"({"si)", {}, "transfer closed with 9 bytes remaining to read")).reason,
            "twilio: answer 201 broken off: transfer closed with 9 bytes remaining to read");
  EXPECT_EQ(twilio.parse_send(answer(201, "<html>")).reason, "twilio: 201 without a message sid");
  EXPECT_EQ(twilio.parse_send(answer(502, "<html>")).reason, "twilio 502: HTTP 502");
}

// SMTP: the message is written only after DATA; before that a failure is harmless.
TEST(SendClassification, SmtpIsAmbiguousOnlyOnceTheMessageWasWritten) {
  auto smtp = [](int status, bool sent, std::string error, bool timed_out = false) {
    TransportResponse r;
    r.status = status;
    r.request_sent = sent;
    r.transport_error = std::move(error);
    r.timed_out = timed_out;
    return r;
  };
  struct SmtpCase {
    const char* name;
    TransportResponse r;
    V want;
  };
  const std::vector<SmtpCase> cases = {
      {"refused", smtp(0, false, "Connection refused"), V::transient},
      {"timeout_in_rcpt", smtp(250, false, "Operation timed out", true), V::transient},
      {"timeout_after_data", smtp(354, true, "Operation timed out", true), V::ambiguous},
      {"reset_after_data", smtp(354, true, "Recv failure: Connection reset by peer"), V::ambiguous},
      {"no_answer_after_data", smtp(0, true, "Recv failure"), V::ambiguous},
      {"tempfail_after_data", smtp(451, true, ""), V::transient},
      {"rejected", smtp(550, true, ""), V::permanent},
      {"queued", smtp(250, true, ""), V::sent},
  };
  for (const auto& c : cases) {
    auto got = classify_smtp(c.r);
    EXPECT_EQ(to_string(got.verdict), std::string(to_string(c.want))) << c.name << ": " << got.reason;
  }
}

}  // namespace
}  // namespace outreach::channels
