#include "channels/twilio_connector.h"

#include <gtest/gtest.h>

#include "channels/connector_factory.h"

namespace outreach::channels {
namespace {

TwilioConfig config() {
  TwilioConfig c;
  c.base_url = "https://api.twilio.com/";
  c.account_sid = "AC00000000000000000000000000000001";
  c.auth_token = "12345";
  c.from = "+3197010000000";
  c.status_callback = "https://outreach.example.org/webhooks/twilio";
  return c;
}

OutboundMessage message() {
  return OutboundMessage{.client_ref = "c1-s1-k1", .to = core::Urn::phone("06-12345678").take(), .text = "Hallo & welkom"};
}

TransportResponse answer(int status, std::string body, Headers headers = {}) {
  TransportResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

WebhookRequest form_post(std::string url, const FormFields& fields, std::string_view token) {
  WebhookRequest w;
  w.method = "POST";
  w.url = std::move(url);
  w.body = form_encode(fields);
  w.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
               {"X-Twilio-Signature", twilio_signature(token, w.url, fields)}};
  return w;
}

const FormFields kDocFields{{"CallSid", "CA1234567890ABCDE"},
                            {"Caller", "+14158675309"},
                            {"Digits", "1234"},
                            {"From", "+14158675309"},
                            {"To", "+18005551212"}};
const char* kDocUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";

TEST(Twilio, BuildsFormPostWithBasicAuth) {
  auto req = TwilioConnector(config()).build_send(message());
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->url, "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json");
  EXPECT_EQ(*find_header(req->headers, "content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(req->username, "AC00000000000000000000000000000001");
  EXPECT_EQ(req->password, "12345");
  EXPECT_EQ(req->body,
            "To=%2B31612345678&From=%2B3197010000000&Body=Hallo+%26+welkom"
            "&StatusCallback=https%3A%2F%2Foutreach.example.org%2Fwebhooks%2Ftwilio%3Fref%3Dc1-s1-k1");
}

TEST(Twilio, MessagingServiceSidReplacesFrom) {
  TwilioConfig c = config();
  c.messaging_service_sid = "MG00000000000000000000000000000001";
  auto fields = form_decode(TwilioConnector(c).build_send(message())->body).take();
  EXPECT_EQ(*find_field(fields, "MessagingServiceSid"), "MG00000000000000000000000000000001");
  EXPECT_EQ(find_field(fields, "From"), nullptr);
}

TEST(Twilio, RefusesNonPhoneAddresses) {
  OutboundMessage m = message();
  m.to = core::Urn::email("a@example.org").take();
  auto req = TwilioConnector(config()).build_send(m);
  ASSERT_FALSE(req.ok());
  EXPECT_EQ(req.error().code, core::ErrorCode::permanent);
  EXPECT_EQ(req.error().what(), "twilio: twilio cannot send to 'mailto:a@example.org'");
}

TEST(Twilio, CreatedWithSidIsSent) {
  auto out = TwilioConnector(config()).parse_send(answer(201, R"({"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"})"));
  EXPECT_EQ(out.verdict, SendVerdict::sent);
  EXPECT_EQ(out.provider_id, "SM0123456789abcdef0123456789abcdef");
}

TEST(Twilio, UnsubscribedRecipientIsOptedOut) {
  auto out = TwilioConnector(config()).parse_send(answer(
      400, R"({"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400})"));
  EXPECT_EQ(out.verdict, SendVerdict::opted_out);
  EXPECT_EQ(out.reason, "twilio 21610: Attempt to send to unsubscribed recipient");
}

TEST(Twilio, InvalidNumberIsPermanent) {
  for (int code : {21211, 21614, 21408}) {
    auto out = TwilioConnector(config()).parse_send(
        answer(400, R"({"code":)" + std::to_string(code) + R"(,"message":"The 'To' number is not valid.","status":400})"));
    EXPECT_EQ(out.verdict, SendVerdict::permanent) << code;
    EXPECT_EQ(out.reason, "twilio " + std::to_string(code) + ": The 'To' number is not valid.");
  }
}

TEST(Twilio, RateLimitAndServerErrorsAreTransientWithRetryAfter) {
  auto out = TwilioConnector(config()).parse_send(
      answer(429, R"({"code":20429,"message":"Too Many Requests","status":429})", {{"retry-after", "7"}}));
  EXPECT_EQ(out.verdict, SendVerdict::transient);
  EXPECT_EQ(out.retry_after, std::chrono::milliseconds(7000));
  EXPECT_EQ(out.reason, "twilio 20429: Too Many Requests");
  // Twilio documents 503 as "temporarily unable to service the request": not accepted.
  auto down = TwilioConnector(config()).parse_send(answer(503, "<html>busy</html>"));
  EXPECT_EQ(down.verdict, SendVerdict::transient);
  EXPECT_EQ(down.reason, "twilio 503: HTTP 503");
  EXPECT_FALSE(down.retry_after.has_value());
}

TEST(Twilio, TimeoutAfterTheRequestWasSentIsAmbiguous) {
  TransportResponse r;
  r.timed_out = true;
  r.request_sent = true;
  r.transport_error = "Operation timed out after 10000 milliseconds";
  auto out = TwilioConnector(config()).parse_send(r);
  EXPECT_EQ(out.verdict, SendVerdict::ambiguous);
  EXPECT_EQ(out.reason, "twilio: no answer after the request was sent: Operation timed out after 10000 milliseconds");
  r.request_sent = false;  // a connect timeout
  EXPECT_EQ(TwilioConnector(config()).parse_send(r).verdict, SendVerdict::transient);
}

TEST(Twilio, StatusCallbackCarriesOurReferenceAndComesBackWithIt) {
  TwilioConnector twilio(config());
  EXPECT_EQ(twilio.status_callback_for("c1-s0-k7"), "https://outreach.example.org/webhooks/twilio?ref=c1-s0-k7");
  auto c = config();
  c.status_callback = "https://outreach.example.org/webhooks/twilio?tenant=a";
  EXPECT_EQ(TwilioConnector(c).status_callback_for("c1-s0-k7"), "https://outreach.example.org/webhooks/twilio?tenant=a&ref=c1-s0-k7");
  const std::string url = twilio.status_callback_for("c1-s0-k7");
  WebhookRequest w = form_post(url, {{"MessageSid", "SM9"}, {"MessageStatus", "delivered"}}, "12345");
  w.target = "/webhooks/twilio?ref=c1-s0-k7";
  ASSERT_TRUE(twilio.verify_signature(w).ok());
  auto events = twilio.parse_webhook(w);
  ASSERT_TRUE(events.ok()) << events.error().what();
  ASSERT_EQ(events->statuses.size(), 1u);
  EXPECT_EQ(events->statuses[0].provider_id, "SM9");
  EXPECT_EQ(events->statuses[0].client_ref, "c1-s0-k7");
}

// Twilio's documented example (twilio-php docs, usage/validation.rst): auth token 12345, this URL
// and these fields give RSOYDt4T1cUTdK1PDd93/VVr8B8=.
TEST(Twilio, SignatureMatchesTwilioDocumentedExample) {
  EXPECT_EQ(twilio_signature("12345", kDocUrl, kDocFields), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

// The widely quoted variant with Caller/From +14158675310 (computed here with Python's hmac too).
TEST(Twilio, SignatureMatchesKnownVariantVector) {
  FormFields f = kDocFields;
  f[1].second = f[3].second = "+14158675310";
  EXPECT_EQ(twilio_signature("12345", kDocUrl, f), "GvWf1cFY/Q7PnoempGyD5oXAezc=");
}

TEST(Twilio, VerifyAcceptsDocumentedRequestInAnyFieldOrder) {
  TwilioConfig c = config();
  WebhookRequest w;
  w.method = "POST";
  w.url = kDocUrl;
  w.body = "To=%2B18005551212&From=%2B14158675309&Digits=1234&Caller=%2B14158675309&CallSid=CA1234567890ABCDE";
  w.headers = {{"x-twilio-signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="}};
  EXPECT_TRUE(TwilioConnector(c).verify_signature(w).ok());
}

TEST(Twilio, VerifyRefusesTamperedBodyWrongKeyAndMissingHeader) {
  TwilioConnector tw(config());
  WebhookRequest w = form_post(kDocUrl, kDocFields, "12345");
  ASSERT_TRUE(tw.verify_signature(w).ok());

  WebhookRequest tampered = w;
  tampered.body.replace(tampered.body.find("Digits=1234"), 11, "Digits=9999");
  EXPECT_EQ(tw.verify_signature(tampered).error().what(), "twilio webhook: X-Twilio-Signature does not match");

  WebhookRequest other_url = w;
  other_url.url = "https://mycompany.com/myapp.php?foo=1&bar=3";
  EXPECT_FALSE(tw.verify_signature(other_url).ok());

  WebhookRequest wrong_key = form_post(kDocUrl, kDocFields, "54321");
  EXPECT_EQ(tw.verify_signature(wrong_key).error().code, core::ErrorCode::forbidden);

  WebhookRequest missing = w;
  missing.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  EXPECT_EQ(tw.verify_signature(missing).error().what(), "twilio webhook: missing X-Twilio-Signature");
}

TEST(Twilio, StatusCallbacksMapToDeliveryStates) {
  TwilioConnector tw(config());
  auto status = [&](const char* s, const char* code) {
    FormFields f{{"MessageSid", "SM1"}, {"MessageStatus", s}, {"AccountSid", "AC1"}};
    if (code) f.emplace_back("ErrorCode", code);
    return tw.parse_webhook(form_post("https://x/twilio", f, "12345"));
  };
  EXPECT_EQ(status("delivered", nullptr)->statuses.at(0).state, DeliveryState::delivered);
  EXPECT_EQ(status("read", nullptr)->statuses.at(0).state, DeliveryState::read);
  EXPECT_EQ(status("sent", nullptr)->statuses.at(0).state, DeliveryState::sent);
  auto failed = status("undelivered", "30003");
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->statuses.at(0).state, DeliveryState::undelivered);
  EXPECT_EQ(failed->statuses.at(0).reason, "twilio 30003: undelivered");
  EXPECT_EQ(failed->statuses.at(0).provider_id, "SM1");
  EXPECT_EQ(status("failed", "21610")->statuses.at(0).reason, "twilio 21610: failed");
  EXPECT_TRUE(status("queued", nullptr)->statuses.empty());
}

TEST(Twilio, InboundSmsBecomesInboundMessage) {
  // Recorded shape of an inbound SMS webhook (fields per Twilio's messaging webhook docs).
  WebhookRequest w;
  w.method = "POST";
  w.url = "https://outreach.example.org/webhooks/twilio";
  w.body =
      "ToCountry=NL&ToState=&SmsMessageSid=SM11&NumMedia=0&ToCity=&FromZip=&SmsSid=SM11&FromState=&"
      "SmsStatus=received&FromCity=&Body=Ja+graag%2C+bel+me&FromCountry=NL&To=%2B3197010000000&"
      "MessagingServiceSid=MG1&ToZip=&NumSegments=1&MessageSid=SM11&AccountSid=AC1&From=%2B31612345678&ApiVersion=2010-04-01";
  auto events = TwilioConnector(config()).parse_webhook(w);
  ASSERT_TRUE(events.ok()) << events.error().what();
  ASSERT_EQ(events->inbound.size(), 1u);
  EXPECT_EQ(events->inbound[0].provider_message_id, "SM11");
  EXPECT_EQ(events->inbound[0].from.str(), "tel:+31612345678");
  EXPECT_EQ(events->inbound[0].text, "Ja graag, bel me");
  EXPECT_TRUE(events->statuses.empty());
}

TEST(Twilio, WebhookWithoutSidIsRefused) {
  WebhookRequest w;
  w.method = "POST";
  w.body = "From=%2B31612345678&Body=hoi";
  EXPECT_EQ(TwilioConnector(config()).parse_webhook(w).error().what(), "twilio webhook: MessageSid missing");
}

TEST(Twilio, FactoryBuildsFromSettingsAndNamesMissingKeys) {
  ProviderSettings s;
  s.provider = "twilio";
  s.values = {{"account_sid", "AC1"}, {"auth_token", "t"}, {"from", "+3197010000000"}};
  auto c = make_connector(s);
  ASSERT_TRUE(c.ok()) << c.error().what();
  EXPECT_EQ((*c)->provider(), "twilio");
  EXPECT_EQ((*c)->build_send(message())->url.rfind("https://api.twilio.com/2010-04-01/Accounts/AC1/", 0), 0u);
  s.values.erase("auth_token");
  EXPECT_EQ(make_connector(s).error().what(), "providers.twilio.auth_token: missing setting");
  s.provider = "fax";
  EXPECT_EQ(make_connector(s).error().what(), "providers: unknown provider 'fax'");
}

TEST(Twilio, FactoryRefusesAFromThatIsNoSenderId) {
  ProviderSettings s;
  s.provider = "twilio";
  s.values = {{"account_sid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, {"auth_token", "t"}, {"from", "Herstelteam Rijnmond"}};
  EXPECT_EQ(make_connector(s).error().what(),
            "providers.twilio.from: 'Herstelteam Rijnmond' is no sender id: use a phone number of at most 15 digits "
            "or at most 11 letters, digits and spaces");
  s.values["from"] = "+3197010203040";
  EXPECT_TRUE(make_connector(s).ok());
  s.values["from"] = "Herstel";
  EXPECT_TRUE(make_connector(s).ok());
  s.values.erase("from");
  s.values["messaging_service_sid"] = "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  EXPECT_TRUE(make_connector(s).ok()) << "a messaging service chooses its own sender";
}

}  // namespace
}  // namespace outreach::channels
