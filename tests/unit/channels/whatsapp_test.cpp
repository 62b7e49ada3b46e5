#include "channels/whatsapp_connector.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "channels/signature.h"
#include "tests/support/utc_time.h"

namespace outreach::channels {
namespace {

using nlohmann::json;

constexpr auto at = &test::utc_time;

WhatsAppConfig config() {
  WhatsAppConfig c;
  c.phone_number_id = "106540352242922";
  c.access_token = "EAAG-token";
  c.app_secret = "app-secret";
  c.verify_token = "verify-me";
  return c;
}

OutboundMessage message() {
  return OutboundMessage{.client_ref = "c1-s1-k1",
                         .to = core::Urn::whatsapp("31612345678").take(),
                         .language = "nl",
                         .text = "Fijn dat je reageert!",
                         .template_name = "herstel_uitnodiging",
                         .template_params = {"Anna", "Rotterdam"},
                         .now = at("2026-11-22T12:00:00Z")};
}

TransportResponse answer(int status, std::string body) {
  TransportResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string graph_error(int code, const char* message) {
  return json{{"error", {{"message", message}, {"type", "OAuthException"}, {"code", code}, {"fbtrace_id", "Az8or"}}}}.dump();
}

WebhookRequest signed_post(std::string body, std::string_view secret = "app-secret") {
  WebhookRequest w;
  w.method = "POST";
  w.url = "https://outreach.example.org/webhooks/whatsapp";
  w.target = "/webhooks/whatsapp";
  w.body = std::move(body);
  w.headers = {{"Content-Type", "application/json"},
               {"X-Hub-Signature-256", "sha256=" + hex_encode(hmac_sha256(secret, w.body))}};
  return w;
}

// The spec's "Text Message" webhook example (paths./whatsapp/webhooks), as JSON.
const char* kSpecTextMessage = R"({"object":"whatsapp_business_account","entry":[{"id":"419561257915477","changes":[{"value":{
  "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
  "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
  "messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
  "timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]},"field":"messages"}]}]})";

TEST(WhatsApp, FreeTextInsideTheWindow) {
  OutboundMessage m = message();
  m.last_inbound_at = at("2026-11-21T12:00:01Z");  // 23:59:59 ago
  auto req = WhatsAppConnector(config()).build_send(m);
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->url, "https://graph.facebook.com/v23.0/106540352242922/messages");
  EXPECT_EQ(*find_header(req->headers, "Authorization"), "Bearer EAAG-token");
  EXPECT_EQ(json::parse(req->body),
            json::parse(R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"31612345678",
                            "type":"text","text":{"preview_url":false,"body":"Fijn dat je reageert!"}})"));
}

TEST(WhatsApp, TemplateOutsideTheWindow) {
  OutboundMessage m = message();
  m.last_inbound_at = at("2026-11-21T12:00:00Z");  // exactly 24 h ago: window closed
  auto req = WhatsAppConnector(config()).build_send(m);
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(json::parse(req->body), json::parse(R"({"messaging_product":"whatsapp","biz_opaque_callback_data":"c1-s1-k1","recipient_type":"individual",
      "to":"31612345678","type":"template","template":{"name":"herstel_uitnodiging",
      "language":{"policy":"deterministic","code":"nl"},
      "components":[{"type":"body","parameters":[{"type":"text","text":"Anna"},{"type":"text","text":"Rotterdam"}]}]}})"));
}

TEST(WhatsApp, NoInboundEverAlsoNeedsTemplate) {
  OutboundMessage m = message();
  m.template_params.clear();
  auto body = json::parse(WhatsAppConnector(config()).build_send(m)->body);
  EXPECT_EQ(body["type"], "template");
  EXPECT_FALSE(body["template"].contains("components"));
}

TEST(WhatsApp, OutsideTheWindowWithoutTemplateIsPermanent) {
  OutboundMessage m = message();
  m.template_name.clear();
  auto req = WhatsAppConnector(config()).build_send(m);
  ASSERT_FALSE(req.ok());
  EXPECT_EQ(req.error().code, core::ErrorCode::permanent);
  EXPECT_EQ(req.error().what(), "whatsapp: outside the 24-hour window and no template configured");
}

TEST(WhatsApp, OutsideTheWindowTheDefaultTemplateCarriesTheRenderedText) {
  WhatsAppConfig c = config();
  c.default_template = "herstel_bericht";
  OutboundMessage m = message();
  m.template_name.clear();
  m.template_params.clear();
  m.language = "tr";
  m.text = "Sayın Ayşe,\n  belediyeniz\tyardım edebilir.  ";
  auto req = WhatsAppConnector(c).build_send(m);
  ASSERT_TRUE(req.ok()) << req.error().what();
  json body = json::parse(req->body);
  EXPECT_EQ(body["type"], "template");
  EXPECT_EQ(body["template"]["name"], "herstel_bericht");
  EXPECT_EQ(body["template"]["language"]["code"], "tr");
  EXPECT_EQ(body["template"]["components"][0]["parameters"][0]["text"], "Sayın Ayşe, belediyeniz yardım edebilir.");
  // A template the message names itself still wins.
  EXPECT_EQ(json::parse(WhatsAppConnector(c).build_send(message())->body)["template"]["name"], "herstel_uitnodiging");
}

TEST(WhatsApp, SpecExampleAnswerIsSent) {
  auto out = WhatsAppConnector(config()).parse_send(answer(200,
      R"({"contacts":[{"input":"+16505551234","wa_id":"16505551234"}],"messages":[{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA"}],"messaging_product":"whatsapp"})"));
  EXPECT_EQ(out.verdict, SendVerdict::sent);
  EXPECT_EQ(out.provider_id, "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA");
}

TEST(WhatsApp, ErrorCodesAreClassified) {
  WhatsAppConnector wa(config());
  struct Case { int http; int code; SendVerdict verdict; };
  for (Case c : {Case{400, 131050, SendVerdict::opted_out}, Case{400, 131047, SendVerdict::permanent},
                 Case{400, 131026, SendVerdict::permanent}, Case{400, 131051, SendVerdict::permanent},
                 Case{400, 470, SendVerdict::permanent}, Case{400, 100, SendVerdict::permanent},
                 Case{400, 130429, SendVerdict::transient}, Case{400, 131056, SendVerdict::transient},
                 Case{400, 4, SendVerdict::transient}, Case{400, 80007, SendVerdict::transient},
                 Case{500, 131000, SendVerdict::transient}}) {
    auto out = wa.parse_send(answer(c.http, graph_error(c.code, "(#x) message")));
    EXPECT_EQ(out.verdict, c.verdict) << c.code;
    EXPECT_EQ(out.reason, "whatsapp " + std::to_string(c.code) + ": (#x) message");
  }
}

TEST(WhatsApp, SpecRateLimitExampleWithIsTransientFlag) {
  // responses of the spec: "Business request limit reached", code 80007, is_transient true.
  auto out = WhatsAppConnector(config()).parse_send(answer(400,
      R"({"error":{"message":"Business request limit reached for WhatsApp Business Account","type":"OAuthException","code":80007,"error_subcode":2446079,"fbtrace_id":"AXsgnV2Cm3ZMGF3dF_cfYIn","is_transient":true}})"));
  EXPECT_EQ(out.verdict, SendVerdict::transient);
  auto flagged = WhatsAppConnector(config()).parse_send(
      answer(400, R"({"error":{"message":"m","code":12345,"is_transient":true,"error_data":{"details":"d"}}})"));
  EXPECT_EQ(flagged.verdict, SendVerdict::transient);
  EXPECT_EQ(flagged.reason, "whatsapp 12345: m (d)");
}

TEST(WhatsApp, RefusedIsTransientServerErrorsWithoutAGraphCodeAmbiguous) {
  TransportResponse none;
  none.transport_error = "Connection refused";
  EXPECT_EQ(WhatsAppConnector(config()).parse_send(none).reason, "whatsapp: not sent: Connection refused");
  EXPECT_EQ(WhatsAppConnector(config()).parse_send(answer(503, "")).verdict, SendVerdict::ambiguous);
}

TEST(WhatsApp, HubSignatureValidTamperedWrongKeyMissing) {
  WhatsAppConnector wa(config());
  WebhookRequest w = signed_post(kSpecTextMessage);
  EXPECT_TRUE(wa.verify_signature(w).ok());

  WebhookRequest tampered = w;
  tampered.body.replace(tampered.body.find("another color"), 13, "another price");
  EXPECT_EQ(wa.verify_signature(tampered).error().what(), "whatsapp webhook: X-Hub-Signature-256 does not match");

  EXPECT_FALSE(wa.verify_signature(signed_post(kSpecTextMessage, "wrong-secret")).ok());

  WebhookRequest missing = w;
  missing.headers = {{"Content-Type", "application/json"}};
  EXPECT_EQ(wa.verify_signature(missing).error().what(), "whatsapp webhook: missing X-Hub-Signature-256");

  WebhookRequest sha1 = w;
  sha1.headers = {{"X-Hub-Signature-256", "sha1=abcdef"}};
  EXPECT_EQ(wa.verify_signature(sha1).error().what(), "whatsapp webhook: X-Hub-Signature-256 is not 'sha256=<hex>'");
}

TEST(WhatsApp, SpecInboundTextExampleParses) {
  auto events = WhatsAppConnector(config()).parse_webhook(signed_post(kSpecTextMessage));
  ASSERT_TRUE(events.ok()) << events.error().what();
  ASSERT_EQ(events->inbound.size(), 1u);
  const InboundMessage& in = events->inbound[0];
  EXPECT_EQ(in.provider_message_id, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
  EXPECT_EQ(in.from.str(), "whatsapp:16505551234");
  EXPECT_EQ(in.text, "Does it come in another color?");
  EXPECT_EQ(core::to_millis(*in.at), 1749416383000);
}

TEST(WhatsApp, StatusWebhooksIncludingFailedReEngagement) {
  const char* body = R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
    "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
    "statuses":[
      {"id":"wamid.A","status":"sent","timestamp":"1750000000","recipient_id":"31612345678"},
      {"id":"wamid.A","status":"delivered","timestamp":"1750000001","recipient_id":"31612345678","biz_opaque_callback_data":"c1-s0-k7"},
      {"id":"wamid.A","status":"read","timestamp":"1750000002","recipient_id":"31612345678"},
      {"id":"wamid.B","status":"failed","timestamp":"1750000003","recipient_id":"31612345678",
       "errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message",
                  "error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."}}]}]}}]}]})";
  auto events = WhatsAppConnector(config()).parse_webhook(signed_post(body));
  ASSERT_TRUE(events.ok()) << events.error().what();
  ASSERT_EQ(events->statuses.size(), 4u);
  EXPECT_EQ(events->statuses[0].state, DeliveryState::sent);
  EXPECT_EQ(events->statuses[1].state, DeliveryState::delivered);
  EXPECT_EQ(events->statuses[1].client_ref, "c1-s0-k7");  // our biz_opaque_callback_data, echoed
  EXPECT_EQ(events->statuses[0].client_ref, "");
  EXPECT_EQ(events->statuses[2].state, DeliveryState::read);
  EXPECT_EQ(events->statuses[3].provider_id, "wamid.B");
  EXPECT_EQ(events->statuses[3].state, DeliveryState::undelivered);
  EXPECT_EQ(events->statuses[3].reason, "whatsapp 131047: Re-engagement message");
  EXPECT_EQ(core::to_millis(*events->statuses[3].at), 1750000003000);
}

// Found by the whatsapp fuzzer: a timestamp too large for milliseconds overflowed (undefined
// behaviour). A time outside 1970-9999 is no time; the status itself still counts.
TEST(WhatsApp, AnOutOfRangeTimestampGivesNoTime) {
  for (const char* ts : {"175050000000000002", "253402300800", "-1"}) {
    const std::string body = std::string(R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
      "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
      "statuses":[{"id":"wamid.A","status":"delivered","timestamp":")") + ts + R"(","recipient_id":"31612345678"}]}}]}]})";
    auto events = WhatsAppConnector(config()).parse_webhook(signed_post(body));
    ASSERT_TRUE(events.ok()) << events.error().what();
    ASSERT_EQ(events->statuses.size(), 1u) << ts;
    EXPECT_EQ(events->statuses[0].state, DeliveryState::delivered) << ts;
    EXPECT_FALSE(events->statuses[0].at) << ts << " gave " << core::to_millis(*events->statuses[0].at);
  }
}

TEST(WhatsApp, VerificationHandshake) {
  WhatsAppConnector wa(config());
  WebhookRequest get;
  get.method = "GET";
  get.target = "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me";
  ASSERT_TRUE(wa.verify_signature(get).ok());
  auto events = wa.parse_webhook(get);
  ASSERT_TRUE(events.ok()) << events.error().what();
  EXPECT_EQ(events->reply_body, "1158201444");

  get.target = "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess";
  EXPECT_EQ(wa.verify_signature(get).error().what(), "whatsapp webhook: hub.verify_token does not match");
  EXPECT_FALSE(wa.parse_webhook(get).ok());
  get.target = "/webhooks/whatsapp?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=verify-me";
  EXPECT_EQ(wa.verify_signature(get).error().what(), "whatsapp webhook: not a subscription handshake");
}

TEST(WhatsApp, MalformedWebhookNamesTheProblem) {
  EXPECT_EQ(WhatsAppConnector(config()).parse_webhook(signed_post("[1,2]")).error().what(),
            "whatsapp webhook: body is not a JSON object");
  EXPECT_EQ(WhatsAppConnector(config()).parse_webhook(signed_post(R"({"object":"x"})")).error().what(),
            "whatsapp webhook: entry missing");
}

}  // namespace
}  // namespace outreach::channels
