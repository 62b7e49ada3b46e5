#include "channels/webhook_connector.h"

#include <gtest/gtest.h>


namespace outreach::channels {
namespace {

constexpr char kSecret[] = "gm0599-webhook-secret-0123";

core::TimePoint at(const char* utc) {
  core::TimePoint t;
  EXPECT_TRUE(core::parse_utc(utc, t));
  return t;
}

WebhookConnector connector() {
  auto s = validate_webhook_settings({"GM0599", "https://zaken.rotterdam.example.org/outreach", kSecret});
  EXPECT_TRUE(s.ok()) << s.error().what();
  return WebhookConnector(*s);
}

TransportResponse http(int status, Headers headers = {}) {
  TransportResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

TEST(SignV1, MatchesAnIndependentHmac) {
  // HMAC-SHA256("key", "1700000000.{}") computed with OpenSSL's command line:
  //   printf '1700000000.{}' | openssl dgst -sha256 -hmac key
  EXPECT_EQ(sign_v1("key", 1700000000, "{}"),
            "v1=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae");
}

TEST(WebhookConnector, BuildsASignedNotification) {
  auto req = connector().build_notification("case.opened", R"({"case_id":"c-17","municipality":"GM0599"})",
                                            at("2026-11-22T20:41:39Z"), "d-1");
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->kind, TransportRequest::Kind::http);
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->url, "https://zaken.rotterdam.example.org/outreach");
  EXPECT_EQ(req->body,
            R"({"event":"case.opened","sent_at":"2026-11-22T20:41:39.000Z","delivery_id":"d-1",)"
            R"("data":{"case_id":"c-17","municipality":"GM0599"}})");
  EXPECT_EQ(*find_header(req->headers, "Content-Type"), "application/json");
  EXPECT_EQ(*find_header(req->headers, "X-Outreach-Event"), "case.opened");
  EXPECT_EQ(*find_header(req->headers, "X-Outreach-Delivery"), "d-1");
  EXPECT_EQ(*find_header(req->headers, "X-Outreach-Timestamp"), "1795380099");
  EXPECT_EQ(*find_header(req->headers, "X-Outreach-Signature"), sign_v1(kSecret, 1795380099, req->body));
}

TEST(WebhookConnector, RefusesBadEventsAndPayloads) {
  auto c = connector();
  auto now = at("2026-11-22T20:41:39Z");
  EXPECT_EQ(c.build_notification("", "{}", now).error().what(), "event_type: must not be empty");
  EXPECT_EQ(c.build_notification("case opened", "{}", now).error().what(),
            "event_type: only letters, digits, '.', '_' and '-' allowed, got 'case opened'");
  EXPECT_EQ(c.build_notification("case.opened", "[1]", now).error().what(), "payload: not a JSON object: '[1]'");
  EXPECT_EQ(c.build_notification("case.opened", "{bad", now).error().what(), "payload: not a JSON object: '{bad'");
}

TEST(WebhookConnector, VerifiesCallsBackWithTheSameScheme) {
  auto c = connector();
  auto now = at("2026-11-22T20:41:39Z");
  WebhookRequest r;
  r.body = R"({"case_id":"c-17","status":"acknowledged"})";
  add_signature_headers(r.headers, kSecret, now, r.body);
  EXPECT_TRUE(c.verify(r, now + std::chrono::seconds(299)).ok());
  EXPECT_EQ(c.verify(r, now + std::chrono::seconds(301)).error().what(),
            "X-Outreach-Timestamp: 301 s away from now (limit 300 s)");
  EXPECT_EQ(c.verify(r, now).ok(), true);
  r.body += " ";
  EXPECT_EQ(c.verify(r, now).error().code, core::ErrorCode::unauthorized);
}

TEST(WebhookConnector, ClassifiesAnswers) {
  auto c = connector();
  EXPECT_EQ(c.parse_response(http(204)).verdict, SendVerdict::sent);
  auto busy = c.parse_response(http(503, {{"Retry-After", "30"}}));
  EXPECT_EQ(busy.verdict, SendVerdict::transient);
  EXPECT_EQ(busy.retry_after, std::chrono::milliseconds(30000));
  EXPECT_EQ(busy.reason, "webhook GM0599 503");
  EXPECT_EQ(c.parse_response(http(429)).verdict, SendVerdict::transient);
  EXPECT_EQ(c.parse_response(http(400)).verdict, SendVerdict::permanent);
  EXPECT_EQ(c.parse_response(http(410)).verdict, SendVerdict::permanent);
  TransportResponse none;
  none.transport_error = "Connection refused";
  EXPECT_EQ(c.parse_response(none).reason, "webhook GM0599: not sent: Connection refused");
  EXPECT_EQ(c.parse_response(http(502)).verdict, SendVerdict::ambiguous);
}

TEST(WebhookSettings, RequireHttpsAndALongSecret) {
  EXPECT_EQ(validate_webhook_settings({"GM0599", "http://zaken.example.org", kSecret}).error().what(),
            "webhook.url: must be an https:// URL (http:// only on loopback), got 'http://zaken.example.org'");
  EXPECT_TRUE(validate_webhook_settings({"GM0599", "http://127.0.0.1:8080/hook", kSecret}).ok());
  EXPECT_FALSE(validate_webhook_settings({"GM0599", "http://127.0.0.1.evil.example/hook", kSecret}).ok());
  EXPECT_EQ(validate_webhook_settings({"GM0599", "https://zaken.example.org", "short"}).error().what(),
            "webhook.secret: must be at least 16 bytes");
}

}  // namespace
}  // namespace outreach::channels
