#include "channels/cm_connector.h"
#include "channels/connector_factory.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace outreach::channels {
namespace {

using nlohmann::json;

// CM's official Postman collection (../shared/specs/cm_text_postman_collection.json).
json collection() {
  std::ifstream in(std::string(OUTREACH_SOURCE_DIR) + "/../shared/specs/cm_text_postman_collection.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

const json* find_item(const json& items, const std::string& name) {
  for (const auto& it : items) {
    if (it.value("name", "") == name) return &it;
    if (it.contains("item")) {
      if (const json* found = find_item(it["item"], name)) return found;
    }
  }
  return nullptr;
}

std::string example_body(const std::string& name) {
  static const json c = collection();
  const json* item = find_item(c["item"], name);
  EXPECT_NE(item, nullptr) << name;
  return item ? (*item)["request"]["body"]["raw"].get<std::string>() : std::string();
}

CmConfig config() {
  CmConfig c;
  c.product_token = "00000000-0000-0000-0000-000000000000";
  c.from = "Gemeente";
  c.webhook_token = "s3cret-token";
  return c;
}

OutboundMessage message() {
  return OutboundMessage{.client_ref = "c1-s1-k1", .to = core::Urn::phone("0612345678").take(), .text = "Test"};
}

TransportResponse answer(int status, std::string body) {
  TransportResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

WebhookRequest webhook(std::string method, std::string target, std::string body = {}) {
  WebhookRequest w;
  w.method = std::move(method);
  w.target = target;
  w.url = "https://outreach.example.org" + target;
  w.body = std::move(body);
  return w;
}

TEST(Cm, BuildsTheCollectionsSendShape) {
  auto req = CmConnector(config()).build_send(message());
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->url, "https://gw.cmtelecom.com/v1.0/message");
  EXPECT_EQ(*find_header(req->headers, "X-CM-PRODUCTTOKEN"), "00000000-0000-0000-0000-000000000000");
  json ours = json::parse(req->body);
  json theirs = json::parse(example_body("send a message, without worring about multipart or encoding"));
  // Same structure as CM's example: messages.authentication + msg[0].{from,to[].number,body{type,content}}.
  const json& m = ours["messages"]["msg"][0];
  const json& e = theirs["messages"]["msg"][0];
  EXPECT_TRUE(theirs["messages"].contains("authentication"));
  EXPECT_EQ(ours["messages"]["authentication"]["producttoken"], "00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(m["body"]["type"], e["body"]["type"]);
  EXPECT_EQ(m["body"]["content"], e["body"]["content"]);
  EXPECT_EQ(m["allowedChannels"], e["allowedChannels"]);
  EXPECT_TRUE(e["to"][0].contains("number"));
  EXPECT_EQ(m["to"][0]["number"], "0031612345678");  // CM's format: 00, country code, number
  EXPECT_EQ(m["from"], "Gemeente");
  EXPECT_EQ(m["reference"], "c1-s1-k1");
}

TEST(Cm, ConfiguredFromWinsOverTheCampaignsSenderName) {
  OutboundMessage msg = message();
  msg.sender_name = "Herstelteam Rijnmond";  // 20 characters: no valid sender id
  EXPECT_EQ(json::parse(CmConnector(config()).build_send(msg)->body)["messages"]["msg"][0]["from"], "Gemeente");
}

TEST(Cm, FactoryRefusesAFromThatIsNoSenderId) {
  ProviderSettings s;
  s.provider = "cm";
  s.values = {{"product_token", "t"}, {"from", "Herstelteam Rijnmond"}, {"webhook_token", "w"}};
  EXPECT_EQ(make_connector(s).error().what(),
            "providers.cm.from: 'Herstelteam Rijnmond' is no sender id: use a phone number of at most 16 digits or "
            "at most 11 letters, digits and spaces");
  s.values["from"] = "00319701020304";
  EXPECT_TRUE(make_connector(s).ok());
  s.values["from"] = "Herstel RMD";
  EXPECT_TRUE(make_connector(s).ok());
}

TEST(Cm, AcceptedIsSentWithOurReference) {
  auto out = CmConnector(config()).parse_send(answer(200,
      R"j({"details":"Created 1 message(s)","errorCode":0,"messages":[{"to":"0031612345678","status":"Accepted","reference":"c1-s1-k1","parts":1,"messageDetails":null,"messageErrorCode":0}]})j"));
  EXPECT_EQ(out.verdict, SendVerdict::sent);
  EXPECT_EQ(out.provider_id, "c1-s1-k1");
}

// https://developers.cm.com/messaging/docs/responses-errors-json: one msg accepted, one rejected.
TEST(Cm, AcceptedMessageOfAPartlyRejectedRequestIsSent) {
  auto out = CmConnector(config()).parse_send(answer(200,
      R"j({"details":"Created 1 message(s)","errorCode":201,"messages":[{"to":"0031612345678","status":"Accepted","reference":"c1-s1-k1","parts":1,"messageDetails":null,"messageErrorCode":0}]})j"));
  EXPECT_EQ(out.verdict, SendVerdict::sent) << out.reason;
  EXPECT_EQ(out.provider_id, "c1-s1-k1");
}

TEST(Cm, RejectedMessageIsPermanentWithCode) {
  auto out = CmConnector(config()).parse_send(answer(400,
      R"j({"details":"Created 0 message(s)","errorCode":201,"messages":[{"to":"0031600000000","status":"Rejected","reference":"c1-s1-k1","parts":0,"messageDetails":"Gsm '0031600000000' is not a number.","messageErrorCode":303}]})j"));
  EXPECT_EQ(out.verdict, SendVerdict::permanent);
  EXPECT_EQ(out.reason, "cm 303: Gsm '0031600000000' is not a number.");
}

TEST(Cm, AuthenticationErrorIsPermanent) {
  auto out = CmConnector(config()).parse_send(
      answer(400, R"({"details":"No account found for the given authentication","errorCode":101,"messages":[]})"));
  EXPECT_EQ(out.verdict, SendVerdict::permanent);
  EXPECT_EQ(out.reason, "cm 101: No account found for the given authentication");
}

TEST(Cm, ServerErrorsAndUnknownErrorAreAmbiguousRefusedConnectionsTransient) {
  TransportResponse busy = answer(503, "");
  busy.headers = {{"Retry-After", "5"}};
  EXPECT_EQ(CmConnector(config()).parse_send(busy).verdict, SendVerdict::transient);
  EXPECT_EQ(CmConnector(config()).parse_send(answer(503, "")).verdict, SendVerdict::ambiguous);
  auto unknown = CmConnector(config()).parse_send(answer(500, R"({"details":"Unknown error","errorCode":999,"messages":[]})"));
  EXPECT_EQ(unknown.verdict, SendVerdict::ambiguous);
  EXPECT_EQ(unknown.reason, "cm 999: Unknown error");
  TransportResponse none;
  none.transport_error = "Could not resolve host";
  EXPECT_EQ(CmConnector(config()).parse_send(none).verdict, SendVerdict::transient);
}

TEST(Cm, TokenQueryParameterIsRequiredAndCompared) {
  CmConnector cm(config());
  EXPECT_TRUE(cm.verify_signature(webhook("POST", "/webhooks/cm?token=s3cret-token")).ok());
  EXPECT_EQ(cm.verify_signature(webhook("POST", "/webhooks/cm?token=s3cret-tokeN")).error().what(),
            "cm webhook: token query parameter does not match");
  EXPECT_EQ(cm.verify_signature(webhook("POST", "/webhooks/cm")).error().what(),
            "cm webhook: missing token query parameter");
  WebhookRequest header_only = webhook("POST", "/webhooks/cm");
  header_only.headers = {{"X-Token", "s3cret-token"}};
  EXPECT_FALSE(cm.verify_signature(header_only).ok());
}

TEST(Cm, CollectionInboundExampleNumberIsRefusedByNormalisation) {
  // The collection's MO example uses +316012345678, which is not a valid Dutch number.
  auto events = CmConnector(config()).parse_webhook(
      webhook("POST", "/webhooks/cm?token=s3cret-token", example_body("Incoming text message")));
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(events.error().what(), "cm webhook: from.number: '+316012345678' is not a valid phone number");
}

TEST(Cm, CollectionInboundExampleWithValidNumberParses) {
  std::string body = example_body("Incoming text message");
  body.replace(body.find("+316012345678"), 13, "+31612345678");
  auto events = CmConnector(config()).parse_webhook(webhook("POST", "/webhooks/cm?token=s3cret-token", body));
  ASSERT_TRUE(events.ok()) << events.error().what();
  ASSERT_EQ(events->inbound.size(), 1u);
  const InboundMessage& in = events->inbound[0];
  EXPECT_EQ(in.provider_message_id, "2f2d42ac-3809-40fb-bce5-dc720e400000");
  EXPECT_EQ(in.from.str(), "whatsapp:31612345678");  // the example's channel is WhatsApp
  EXPECT_EQ(in.text, "This is an example message");
  ASSERT_TRUE(in.at.has_value());
  EXPECT_EQ(core::format_utc(*in.at), "2019-01-01T12:00:00.000Z");
}

TEST(Cm, DeliveryReportsFromQueryOrForm) {
  CmConnector cm(config());
  auto delivered = cm.parse_webhook(webhook("GET", "/webhooks/cm?token=s3cret-token&REFERENCE=c1-s1-k1&STATUS=2&GSM=0031612345678"));
  ASSERT_TRUE(delivered.ok()) << delivered.error().what();
  EXPECT_EQ(delivered->statuses.at(0).provider_id, "c1-s1-k1");
  EXPECT_EQ(delivered->statuses.at(0).state, DeliveryState::delivered);

  // STATUSDESCRIPTION carries the error code, STANDARDERRORTEXT its text.
  auto failed = cm.parse_webhook(webhook("POST", "/webhooks/cm?token=s3cret-token",
                                         "reference=c1-s1-k1&status=3&statusdescription=5&standarderrortext=Expired"));
  ASSERT_TRUE(failed.ok()) << failed.error().what();
  EXPECT_EQ(failed->statuses.at(0).state, DeliveryState::undelivered);
  EXPECT_EQ(failed->statuses.at(0).reason, "cm 5: Expired");

  EXPECT_EQ(cm.parse_webhook(webhook("GET", "/webhooks/cm?token=t&REFERENCE=r&STATUS=9")).error().what(),
            "cm webhook: unknown STATUS '9'");
  EXPECT_EQ(cm.parse_webhook(webhook("GET", "/webhooks/cm?token=t&STATUS=2")).error().what(),
            "cm webhook: status report without REFERENCE or STATUS");
}

// The JSON format of https://developers.cm.com/messaging/docs/incoming-status-report.
TEST(Cm, JsonStatusReports) {
  CmConnector cm(config());
  auto failed = cm.parse_webhook(webhook("POST", "/webhooks/cm?token=s3cret-token", R"({
      "messages": {"msg": {"received": "2026-11-02T09:00:05", "to": "0031612345678", "reference": "c1-s0-k7",
                           "status": {"code": "3", "errorCode": "5", "errorDescription": "Message expired"},
                           "operator": "20416"}}})"));
  ASSERT_TRUE(failed.ok()) << failed.error().what();
  ASSERT_EQ(failed->statuses.size(), 1u);
  EXPECT_EQ(failed->statuses[0].provider_id, "c1-s0-k7");
  EXPECT_EQ(failed->statuses[0].state, DeliveryState::undelivered);
  EXPECT_EQ(failed->statuses[0].reason, "cm 5: Message expired");

  auto delivered = cm.parse_webhook(webhook("POST", "/webhooks/cm?token=s3cret-token",
      R"({"messages":{"msg":{"to":"0031612345678","reference":"c1-s0-k8","status":{"code":2}}}})"));
  ASSERT_TRUE(delivered.ok()) << delivered.error().what();
  EXPECT_EQ(delivered->statuses.at(0).state, DeliveryState::delivered);

  EXPECT_EQ(cm.parse_webhook(webhook("POST", "/webhooks/cm?token=s3cret-token", R"({"messages":{"msg":{"status":{"code":"2"}}}})"))
                .error()
                .what(),
            "cm webhook: status report without REFERENCE or STATUS");
}

}  // namespace
}  // namespace outreach::channels
