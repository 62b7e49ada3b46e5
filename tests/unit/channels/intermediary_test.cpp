#include "channels/intermediary_connector.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "channels/mime_message.h"
#include "channels/webhook_connector.h"

namespace outreach::channels {
namespace {

constexpr char kSecret[] = "intermediary-secret-0123456789";

core::TimePoint at(const char* utc) {
  core::TimePoint t;
  EXPECT_TRUE(core::parse_utc(utc, t));
  return t;
}

IntermediarySettings webhook_settings() {
  IntermediarySettings s;
  s.key = "stichting-ouders-rijnmond";
  s.name = "Stichting Ouders Rijnmond";
  s.delivery = IntermediaryDelivery::webhook;
  s.webhook_url = "https://ouders-rijnmond.example.org/outreach";
  s.secret = kSecret;
  auto v = validate_intermediary_settings(s);
  EXPECT_TRUE(v.ok()) << v.error().what();
  return *v;
}

Digest digest() {
  Digest d;
  d.batch_id = "b-2026-11-22-1";
  d.sent_at = at("2026-11-22T20:41:39Z");
  d.people.push_back({"p1", "Fatma Yılmaz", "tr", "GM0599", "+31612345601", std::nullopt});
  d.people.push_back({"p2", "Peter Jansen", "nl", "GM0606", std::nullopt, "p.jansen@example.org"});
  d.subject = "Hulp voor ouders";
  d.text = "Wilt u deze ouders vragen of zij hulp willen?";
  return d;
}

WebhookRequest report_request(const std::string& body, core::TimePoint signed_at, const std::string& secret = kSecret) {
  WebhookRequest r;
  r.method = "POST";
  r.url = "https://outreach.example.org/intermediaries/stichting-ouders-rijnmond/reports";
  r.target = "/intermediaries/stichting-ouders-rijnmond/reports";
  r.body = body;
  add_signature_headers(r.headers, secret, signed_at, body);
  return r;
}

const char kReport[] = R"({"batch_id":"b-2026-11-22-1","reports":[
  {"ref":"p1","outcome":"reached_wants_help","consent":{"purposes":["share:GM0599","peer-contact"],
   "text_id":"consent-share","text_version":3,"language":"tr"},"note":"belt terug na 18u"},
  {"ref":"p2","outcome":"wrong_number"}]})";

TEST(IntermediaryDigest, WebhookBodyHasTheContractShapeAndIsSigned) {
  IntermediaryConnector c(webhook_settings());
  auto req = c.build_digest(digest());
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->kind, TransportRequest::Kind::http);
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->url, "https://ouders-rijnmond.example.org/outreach");
  EXPECT_EQ(*find_header(req->headers, "Content-Type"), "application/json");
  EXPECT_EQ(req->body,
            R"({"intermediary":"stichting-ouders-rijnmond","batch_id":"b-2026-11-22-1","sent_at":"2026-11-22T20:41:39.000Z",)"
            R"("people":[{"ref":"p1","name":"Fatma Yılmaz","language":"tr","municipality":"GM0599","phone":"+31612345601"},)"
            R"({"ref":"p2","name":"Peter Jansen","language":"nl","municipality":"GM0606","email":"p.jansen@example.org"}],)"
            R"("material":{"subject":"Hulp voor ouders","text":"Wilt u deze ouders vragen of zij hulp willen?"}})");
  EXPECT_EQ(*find_header(req->headers, "X-Outreach-Timestamp"), "1795380099");
  EXPECT_EQ(*find_header(req->headers, "X-Outreach-Signature"), sign_v1(kSecret, 1795380099, req->body));
  // The receiver's check accepts it.
  EXPECT_TRUE(verify_v1(req->headers, req->body, kSecret, at("2026-11-22T20:42:00Z")).ok());
}

TEST(IntermediaryDigest, EmailDeliveryReusesTheEmailBuilder) {
  IntermediarySettings s = webhook_settings();
  s.delivery = IntermediaryDelivery::email;
  s.email = "coordinator@ouders-rijnmond.example.org";
  EmailSettings e;
  e.smtp_url = "smtp://127.0.0.1:2525";
  e.from_address = "outreach@gemeente.example.org";
  e.from_name = "Outreach Rijnmond";
  IntermediaryConnector c(*validate_intermediary_settings(s), *validate_email_settings(e));
  auto req = c.build_digest(digest());
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->kind, TransportRequest::Kind::smtp);
  EXPECT_EQ(req->mail_rcpt, std::vector<std::string>{"coordinator@ouders-rijnmond.example.org"});
  auto parsed = mime::parse_message(req->body);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed->header("Subject"), "Hulp voor ouders");
  std::string text = parsed->text();
  EXPECT_NE(text.find("Wilt u deze ouders vragen"), std::string::npos);
  EXPECT_NE(text.find("1. Fatma Yılmaz | ref p1 | taal tr | gemeente GM0599 | tel +31612345601\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("2. Peter Jansen | ref p2 | taal nl | gemeente GM0606 | e-mail p.jansen@example.org\n"),
            std::string::npos);
  EXPECT_TRUE(find_header(req->headers, "Message-ID")->starts_with("digest-b-2026-11-22-1."));
}

TEST(IntermediaryDigest, ErrorsNameTheField) {
  IntermediaryConnector c(webhook_settings());
  Digest d = digest();
  d.people[1].ref.clear();
  EXPECT_EQ(c.build_digest(d).error().what(), "people[1].ref: must not be empty");
  d = digest();
  d.batch_id.clear();
  EXPECT_EQ(c.build_digest(d).error().what(), "batch_id: must not be empty");
  IntermediarySettings s = webhook_settings();
  s.webhook_url = "http://ouders.example.org/x";
  EXPECT_EQ(validate_intermediary_settings(s).error().what(),
            "intermediary.webhook_url: must be an https:// URL (http:// only on loopback), got "
            "'http://ouders.example.org/x'");
  s = webhook_settings();
  s.secret = "short";
  EXPECT_EQ(validate_intermediary_settings(s).error().what(), "intermediary.secret: must be at least 16 bytes");
}

class ReportSignature : public ::testing::Test {
 protected:
  IntermediaryConnector c{webhook_settings()};
  core::TimePoint now = at("2026-11-22T21:00:00Z");
  std::string verify(const WebhookRequest& r) {
    auto s = c.verify_report(r, now);
    return s.ok() ? "ok" : s.error().what();
  }
};

TEST_F(ReportSignature, ValidIsAccepted) { EXPECT_EQ(verify(report_request(kReport, now)), "ok"); }

TEST_F(ReportSignature, TamperedBodyIsRefused) {
  WebhookRequest r = report_request(kReport, now);
  r.body.replace(r.body.find("wrong_number"), 12, "not_reached!");
  EXPECT_EQ(verify(r), "X-Outreach-Signature: does not match");
}

TEST_F(ReportSignature, WrongKeyIsRefused) {
  EXPECT_EQ(verify(report_request(kReport, now, "another-secret-0123456789")), "X-Outreach-Signature: does not match");
}

TEST_F(ReportSignature, MissingHeadersAreRefused) {
  WebhookRequest r = report_request(kReport, now);
  r.headers.erase(r.headers.begin() + 1);  // signature
  EXPECT_EQ(verify(r), "X-Outreach-Signature: missing");
  r = report_request(kReport, now);
  r.headers.erase(r.headers.begin());  // timestamp
  EXPECT_EQ(verify(r), "X-Outreach-Timestamp: missing");
  r = report_request(kReport, now);
  r.headers[0].second = "soon";
  EXPECT_EQ(verify(r), "X-Outreach-Timestamp: not a unix time: 'soon'");
  r = report_request(kReport, now);
  r.headers[1].second = "sha256=abc";
  EXPECT_EQ(verify(r), "X-Outreach-Signature: no v1 signature");
}

TEST_F(ReportSignature, ReplayedTenMinutesLaterIsRefused) {
  WebhookRequest r = report_request(kReport, now - std::chrono::minutes(10));
  EXPECT_EQ(verify(r), "X-Outreach-Timestamp: 600 s away from now (limit 300 s)");
  EXPECT_EQ(verify(report_request(kReport, now - std::chrono::minutes(4))), "ok");
  EXPECT_EQ(verify(report_request(kReport, now + std::chrono::minutes(6))),
            "X-Outreach-Timestamp: 360 s away from now (limit 300 s)");
}

TEST_F(ReportSignature, RotatedSecretsMayBeListed) {
  WebhookRequest r = report_request(kReport, now);
  r.headers[1].second = "v1=00ff, " + r.headers[1].second;
  EXPECT_EQ(verify(r), "ok");
}

TEST(IntermediaryReport, ParsesOutcomesAndConsent) {
  auto r = parse_intermediary_report(kReport);
  ASSERT_TRUE(r.ok()) << r.error().what();
  EXPECT_EQ(r->batch_id, "b-2026-11-22-1");
  ASSERT_EQ(r->reports.size(), 2u);
  EXPECT_EQ(r->reports[0].ref, "p1");
  EXPECT_EQ(r->reports[0].outcome, ContactOutcome::reached_wants_help);
  ASSERT_TRUE(r->reports[0].consent);
  EXPECT_EQ(r->reports[0].consent->purposes, (std::vector<std::string>{"share:GM0599", "peer-contact"}));
  EXPECT_EQ(r->reports[0].consent->text_id, "consent-share");
  EXPECT_EQ(r->reports[0].consent->text_version, "3");
  EXPECT_EQ(r->reports[0].consent->language, "tr");
  EXPECT_EQ(r->reports[0].note, "belt terug na 18u");
  EXPECT_EQ(r->reports[1].outcome, ContactOutcome::wrong_number);
  EXPECT_FALSE(r->reports[1].consent);
}

std::string report_error(const std::string& body) {
  auto r = parse_intermediary_report(body);
  return r.ok() ? "ok" : r.error().what();
}

TEST(IntermediaryReport, BadFieldsAreNamed) {
  const std::string ok1 = R"({"ref":"a","outcome":"not_reached"})";
  EXPECT_EQ(report_error(R"({"batch_id":"b","reports":[)" + ok1 + "," + ok1 +
                         R"(,{"ref":"c","outcome":"maybe"}]})"),
            "reports[2].outcome: unknown outcome 'maybe'");
  EXPECT_EQ(report_error(R"({"reports":[]})"), "batch_id: missing");
  EXPECT_EQ(report_error(R"({"batch_id":7,"reports":[]})"), "batch_id: expected a string, got number");
  EXPECT_EQ(report_error(R"({"batch_id":"b"})"), "reports: missing");
  EXPECT_EQ(report_error(R"({"batch_id":"b","reports":[{"outcome":"not_reached"}]})"), "reports[0].ref: missing");
  EXPECT_EQ(report_error(R"({"batch_id":"b","reports":[{"ref":"a","outcome":"reached_wants_help",)"
                         R"("consent":{"purposes":[],"text_id":"t","text_version":1,"language":"nl"}}]})"),
            "reports[0].consent.purposes: expected a non-empty array of strings");
  EXPECT_EQ(report_error(R"({"batch_id":"b","reports":[{"ref":"a","outcome":"reached_wants_help",)"
                         R"("consent":{"purposes":["share:GM0599"],"text_id":"t","language":"nl"}}]})"),
            "reports[0].consent.text_version: missing");
  EXPECT_EQ(report_error(R"({"batch_id":"b","reports":[{"ref":"a","outcome":"not_reached",)"
                         R"("consent":{"purposes":["x"],"text_id":"t","text_version":1,"language":"nl"}}]})"),
            "reports[0].consent: consent can only be given when the person was reached, outcome is 'not_reached'");
  EXPECT_EQ(report_error(R"({"batch_id":"b","reports":[{"ref":"a","outcome":"not_reached","note":)" +
                         nlohmann::json(std::string(281, 'x')).dump() + "}]}"),
            "reports[0].note: longer than 280 bytes (281)");
  EXPECT_TRUE(report_error("{nope").starts_with("body: not JSON: "));
}

// Found by fuzz/intermediary_report_fuzzer (corpus: fuzz/corpus/intermediary_report/number-overflow):
// nlohmann throws out_of_range, not parse_error, for a number too large for a double, and the
// exception escaped the parser (the server would have answered 500 instead of 400).
TEST(IntermediaryReport, ANumberTooLargeIsNotJsonRatherThanAnException) {
  const char body[] =
      "{\"batch_id\": \"b-2026-11-22-1\", \"reports\": [{\"ref\": \"p1\", \"outcome\":1e999\n\0 \"reached_wants_help\", "
      "\"mode\": \"phone\", \"consent\": {\"purposes\": [\"share:GM0599*, \"pee!-contact\"], \"tet\"}]}";
  auto r = parse_intermediary_report(std::string_view(body, sizeof body - 1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(r.error().what(), "body: not JSON: [json.exception.out_of_range.406] number overflow parsing '1e999'");
  EXPECT_EQ(parse_intermediary_report(R"({"batch_id":"b","reports":[],"n":-1e400})").error().what(),
            "body: not JSON: [json.exception.out_of_range.406] number overflow parsing '-1e400'");
}

}  // namespace
}  // namespace outreach::channels
