#include "channels/messagebird_connector.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "channels/connector_factory.h"
#include "channels/signature.h"
#include "tests/support/utc_time.h"

namespace outreach::channels {
namespace {

using nlohmann::json;

// Reference vectors from MessageBird's own client library (messagebird/messagebird-nodejs,
// lib/testdata/webhook-signature-jwt-reference.json): secret, URL, payload and time as published.
constexpr const char* kRefSecret = "36efdd1aace2e26cd490f0d951138253bef2f7c6d34d18981da781555cc4cebb";
constexpr const char* kRefTime = "2021-07-05T10:00:00Z";  // "2021-07-05T12:00:00+02:00"
constexpr const char* kValidNoPayload =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI1OWEyNDRkYy1lOWFkLTRlMjMtOTc3OC0zNzFmYWEyMzhmNzIiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.6Fp0rVOsRr1fj9S2GidXAfkmPVofKr8_RTffC6G6r2E";
constexpr const char* kValidWithPayload =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiI5M2U1NTAwNi1hMGU4LTQ1MjYtYTE5MC1mYTVmZjAwZWExMTYiLCJ1cmxfaGFzaCI6IjQxZjA1ZjBkZGQwYTIyYWIyMDlhYzQ2ZjQ3YzQ1NzJkOWNlZmEyNTdlZDc0YjI0MDA0YmFlNzUzZWNlNmMyNjAiLCJwYXlsb2FkX2hhc2giOiJkZmZkNjAyMWJiMmJkNWIwYWY2NzYyOTA4MDllYzNhNTMxOTFkZDgxYzdmNzBhNGIyODY4OGEzNjIxODI5ODZmIn0._H--TOuYFLpeEH39-rg5E3IHVkjHozBcaKVWPRC5m9I";
constexpr const char* kNotYetValid =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ4MjgwMCwiZXhwIjoxNjI1NDgyODYwLCJqdGkiOiJmOWY4YzM4Mi0yNDQ5LTQzMTEtYjcyYi0xZGY3MTY4NzkzMWUiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.ZELgDFNGhjZH9CffQKcq3sytBe2I0KciLxpBhcfstHQ";
constexpr const char* kExpired =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3NTYwMCwiZXhwIjoxNjI1NDc1NjYwLCJqdGkiOiI1ZjAyZjUyMi02MDMwLTQ2YzgtYjVhMy0wMTI0NjQ3OGQ4YmMiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDcifQ.45MSST3B_2PsjNUeiuW54_vUQgVw4rBXrdWrOUEz3lM";
constexpr const char* kUrlReordered =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiJhNzVjOTA5Ni1lODIzLTQ0MmItODVmMi03ZDNjOWQ5YjcyNmIiLCJ1cmxfaGFzaCI6IjZhMDIyZDgzNGMxODMzMGJhYWQ4YTJiZDYxMzUxNzNlZDIxNjEwYTQ1NDUxNmJlMGRmM2YxY2MwMTUxNjEwZWEifQ.z6Sw1XQIM0wuEQGBhXBdawDIIrtMg2XnmA_bpDq53pE";
constexpr const char* kPayloadMismatch =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNZXNzYWdlQmlyZCIsIm5iZiI6MTYyNTQ3OTIwMCwiZXhwIjoxNjI1NDc5MjYwLCJqdGkiOiIxNDUwMTUzMi05NmYyLTQ2ODQtOTgzMi02OGYwOTUxYWUzNDIiLCJ1cmxfaGFzaCI6IjBmMTE1ZGIwNjJiN2MwZGQwMzBiMTY4NzhjOTlkZWE1YzM1NGI0OWRjMzdiMzhlYjg4NDYxNzljNzc4M2U5ZDciLCJwYXlsb2FkX2hhc2giOiJmYjYyZjAyYWNkYTdkNzQxNzdhNzAxYTFjZTAwNmU2YmFjZDkwYzdkNGQ3YWI0ODE2OTJjMWRhNDdjODEwNzZiIn0.m79RCwO6dGa9pvzsQypkVuXQ6eM0CkRl6_U7MfWg6TM";

constexpr auto at = &test::utc_time;

std::string refusal(const char* token, const char* url, const char* body, const char* secret, const char* now) {
  auto s = verify_messagebird_jwt(token, url, body, secret, at(now));
  return s.ok() ? "accepted" : s.error().what();
}

MessageBirdConfig config() {
  MessageBirdConfig c;
  c.access_key = "live_abc";
  c.originator = "Gemeente";
  c.signing_key = "signing-key";
  c.report_url = "https://outreach.example.org/webhooks/messagebird";
  return c;
}

OutboundMessage message() {
  return OutboundMessage{.client_ref = "c1-s1-k1", .to = core::Urn::phone("+31612345678").take(), .text = "Hallo"};
}

TransportResponse answer(int status, std::string body) {
  TransportResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(MessageBird, JwtReferenceVectorsAccepted) {
  EXPECT_EQ(refusal(kValidNoPayload, "https://example.com/", "", kRefSecret, kRefTime), "accepted");
  EXPECT_EQ(refusal(kValidWithPayload, "https://example.com/path?bar=1&foo=2", "Hello, World!", kRefSecret, kRefTime),
            "accepted");
}

TEST(MessageBird, JwtReferenceVectorsRefused) {
  EXPECT_EQ(refusal(kNotYetValid, "https://example.com/", "", kRefSecret, kRefTime),
            "messagebird webhook: jwt: nbf is in the future");
  EXPECT_EQ(refusal(kExpired, "https://example.com/", "", kRefSecret, kRefTime),
            "messagebird webhook: jwt: exp is in the past");
  EXPECT_EQ(refusal(kUrlReordered, "https://example.com/path?foo=1&bar=2", "", kRefSecret, kRefTime),
            "messagebird webhook: jwt: url_hash does not match");
  EXPECT_EQ(refusal(kPayloadMismatch, "https://example.com/", "Hello, World!", kRefSecret, kRefTime),
            "messagebird webhook: jwt: payload_hash does not match");
}

TEST(MessageBird, JwtStaleByClockAndWrongKeyAndTamperedBody) {
  // The valid token expires 60 s after nbf; 61 s later (beyond the 5 s leeway at 66 s) it is stale.
  EXPECT_EQ(refusal(kValidNoPayload, "https://example.com/", "", kRefSecret, "2021-07-05T10:01:04Z"), "accepted");
  EXPECT_EQ(refusal(kValidNoPayload, "https://example.com/", "", kRefSecret, "2021-07-05T10:01:06Z"),
            "messagebird webhook: jwt: exp is in the past");
  EXPECT_EQ(refusal(kValidNoPayload, "https://example.com/", "", "other-key", kRefTime),
            "messagebird webhook: jwt: bad signature");
  EXPECT_EQ(refusal(kValidWithPayload, "https://example.com/path?bar=1&foo=2", "Hello, World?", kRefSecret, kRefTime),
            "messagebird webhook: jwt: payload_hash does not match");
  EXPECT_EQ(refusal(kValidNoPayload, "https://example.com/", "unexpected body", kRefSecret, kRefTime),
            "messagebird webhook: jwt: payload_hash missing for a non-empty body");
}

TEST(MessageBird, VerifySignatureUsesHeaderUrlBodyAndClock) {
  core::ManualClock clock(at(kRefTime));
  MessageBirdConfig c = config();
  c.signing_key = kRefSecret;
  MessageBirdConnector mb(c, clock);
  WebhookRequest w;
  w.method = "POST";
  w.url = "https://example.com/path?bar=1&foo=2";
  w.body = "Hello, World!";
  w.headers = {{"messagebird-signature-jwt", kValidWithPayload}};
  EXPECT_TRUE(mb.verify_signature(w).ok());
  clock.advance(std::chrono::minutes(2));
  EXPECT_EQ(mb.verify_signature(w).error().what(), "messagebird webhook: jwt: exp is in the past");
  w.headers.clear();
  EXPECT_EQ(mb.verify_signature(w).error().what(), "messagebird webhook: missing MessageBird-Signature-JWT");
}

TEST(MessageBird, BuildsJsonWithAccessKey) {
  core::ManualClock clock(at(kRefTime));
  auto req = MessageBirdConnector(config(), clock).build_send(message());
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->url, "https://rest.messagebird.com/messages");
  EXPECT_EQ(*find_header(req->headers, "Authorization"), "AccessKey live_abc");
  json body = json::parse(req->body);
  EXPECT_EQ(body["recipients"], json::array({"31612345678"}));
  EXPECT_EQ(body["originator"], "Gemeente");
  EXPECT_EQ(body["body"], "Hallo");
  EXPECT_EQ(body["reference"], "c1-s1-k1");
  EXPECT_EQ(body["reportUrl"], "https://outreach.example.org/webhooks/messagebird");
}

TEST(MessageBird, ParseSendClassifiesAnswers) {
  core::ManualClock clock(at(kRefTime));
  MessageBirdConnector mb(config(), clock);
  auto sent = mb.parse_send(answer(201, R"({"id":"e8077d803532c0b5937c639b60216938","href":"https://rest.messagebird.com/messages/e8077d803532c0b5937c639b60216938","direction":"mt","recipients":{"totalCount":1,"totalSentCount":1,"items":[{"recipient":31612345678,"status":"sent"}]}})"));
  EXPECT_EQ(sent.verdict, SendVerdict::sent);
  EXPECT_EQ(sent.provider_id, "e8077d803532c0b5937c639b60216938");

  auto bad = mb.parse_send(answer(422, R"({"errors":[{"code":9,"description":"no (correct) recipients found","parameter":"recipient"}]})"));
  EXPECT_EQ(bad.verdict, SendVerdict::permanent);
  EXPECT_EQ(bad.reason, "messagebird 9: no (correct) recipients found");

  auto limited = mb.parse_send(answer(429, R"({"errors":[{"code":429,"description":"Too many requests"}]})"));
  EXPECT_EQ(limited.verdict, SendVerdict::transient);
  EXPECT_EQ(mb.parse_send(answer(502, "")).verdict, SendVerdict::ambiguous);
  TransportResponse timeout;
  timeout.timed_out = true;
  EXPECT_EQ(mb.parse_send(timeout).verdict, SendVerdict::transient);  // a connect timeout: never left
  timeout.request_sent = true;
  EXPECT_EQ(mb.parse_send(timeout).verdict, SendVerdict::ambiguous);
}

TEST(MessageBird, DeliveryReportsAndInbound) {
  core::ManualClock clock(at(kRefTime));
  MessageBirdConnector mb(config(), clock);
  WebhookRequest dlr;
  dlr.method = "GET";
  dlr.target = "/webhooks/messagebird?id=e8077d803532c0b5937c639b60216938&reference=c1-s1-k1&recipient=31612345678"
               "&status=delivery_failed&statusDatetime=2026-11-22T10:00:00Z&statusErrorCode=104";
  auto events = mb.parse_webhook(dlr);
  ASSERT_TRUE(events.ok()) << events.error().what();
  ASSERT_EQ(events->statuses.size(), 1u);
  EXPECT_EQ(events->statuses[0].provider_id, "e8077d803532c0b5937c639b60216938");
  EXPECT_EQ(events->statuses[0].client_ref, "c1-s1-k1");  // our reference, echoed
  EXPECT_EQ(events->statuses[0].state, DeliveryState::undelivered);
  EXPECT_EQ(events->statuses[0].reason, "messagebird 104: delivery_failed");
  EXPECT_EQ(core::format_utc(*events->statuses[0].at), "2026-11-22T10:00:00.000Z");

  dlr.target = "/webhooks/messagebird?id=m1&reference=r&status=delivered";
  EXPECT_EQ(mb.parse_webhook(dlr)->statuses.at(0).state, DeliveryState::delivered);
  dlr.target = "/webhooks/messagebird?id=m1&reference=r&status=buffered";
  EXPECT_TRUE(mb.parse_webhook(dlr)->statuses.empty());

  WebhookRequest mo;
  mo.method = "POST";
  mo.body = "id=mo1&recipient=3197010000000&originator=31612345678&body=STOP&createdDatetime=2026-11-22T10%3A00%3A00%2B00%3A00";
  auto inbound = mb.parse_webhook(mo);
  ASSERT_TRUE(inbound.ok()) << inbound.error().what();
  ASSERT_EQ(inbound->inbound.size(), 1u);
  EXPECT_EQ(inbound->inbound[0].provider_message_id, "mo1");
  EXPECT_EQ(inbound->inbound[0].from.str(), "tel:+31612345678");
  EXPECT_EQ(inbound->inbound[0].text, "STOP");
}

TEST(MessageBird, FactoryUsesTheGivenClock) {
  core::ManualClock clock(at(kRefTime));
  ProviderSettings s;
  s.provider = "messagebird";
  s.clock = &clock;
  s.values = {{"access_key", "k"}, {"originator", "Gemeente"}, {"signing_key", kRefSecret}};
  auto c = make_connector(s);
  ASSERT_TRUE(c.ok()) << c.error().what();
  WebhookRequest w;
  w.method = "GET";
  w.url = "https://example.com/";
  w.headers = {{"MessageBird-Signature-JWT", kValidNoPayload}};
  EXPECT_TRUE((*c)->verify_signature(w).ok());
  s.values.erase("signing_key");
  EXPECT_EQ(make_connector(s).error().what(), "providers.messagebird.signing_key: missing setting");
}

TEST(MessageBird, ConfiguredOriginatorWinsOverTheCampaignsSenderName) {
  OutboundMessage msg = message();
  msg.sender_name = "Herstelteam Rijnmond";  // 20 characters: MessageBird allows 11
  core::SystemClock clock;
  auto req = MessageBirdConnector(config(), clock).build_send(msg);
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(nlohmann::json::parse(req->body)["originator"], "Gemeente");
  msg.sender_name = "Herstel";  // a valid sender id, still not used: replies must reach the number
  EXPECT_EQ(nlohmann::json::parse(MessageBirdConnector(config(), clock).build_send(msg)->body)["originator"],
            "Gemeente");
}

TEST(MessageBird, FactoryRefusesAnOriginatorThatIsNoSenderId) {
  ProviderSettings s;
  s.provider = "messagebird";
  s.values = {{"access_key", "k"}, {"originator", "Herstelteam Rijnmond"}, {"signing_key", "sk"}};
  EXPECT_EQ(make_connector(s).error().what(),
            "providers.messagebird.originator: 'Herstelteam Rijnmond' is no sender id: use a phone number of at most "
            "17 digits or at most 11 letters, digits and spaces");
  for (const char* ok : {"+3197010203040", "3197010203040", "Herstel RMD", "Gemeente010"}) {
    s.values["originator"] = ok;
    EXPECT_TRUE(make_connector(s).ok()) << ok;
  }
  for (const char* bad : {"", "Herstel-RMD", "123456789012345678", " Herstel", "Gemeente Rotterdam"}) {
    s.values["originator"] = bad;
    EXPECT_FALSE(make_connector(s).ok()) << bad;
  }
}

}  // namespace
}  // namespace outreach::channels
