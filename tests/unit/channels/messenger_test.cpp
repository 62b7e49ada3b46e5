#include "channels/messenger_connector.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "channels/signature.h"
#include "tests/support/utc_time.h"

namespace outreach::channels {
namespace {

using nlohmann::json;

constexpr auto at = &test::utc_time;

MessengerConfig config() {
  MessengerConfig c;
  c.page_access_token = "PAGE-TOKEN";
  c.app_secret = "app-secret";
  c.verify_token = "verify-me";
  return c;
}

OutboundMessage message(std::optional<core::TimePoint> last_inbound) {
  return OutboundMessage{.client_ref = "c1",
                         .to = core::Urn::parse("messenger:1254459154682919").take(),
                         .text = "Dank voor je bericht",
                         .last_inbound_at = last_inbound,
                         .now = at("2026-11-22T12:00:00Z")};
}

TransportResponse answer(int status, std::string body) {
  TransportResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

WebhookRequest signed_post(std::string body) {
  WebhookRequest w;
  w.method = "POST";
  w.url = "https://outreach.example.org/webhooks/messenger";
  w.body = std::move(body);
  w.headers = {{"X-Hub-Signature-256", "sha256=" + hex_encode(hmac_sha256("app-secret", w.body))}};
  return w;
}

TEST(Messenger, BuildsResponseInsideWindow) {
  auto req = MessengerConnector(config()).build_send(message(at("2026-11-22T08:00:00Z")));
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->url, "https://graph.facebook.com/v23.0/me/messages");
  EXPECT_EQ(*find_header(req->headers, "Authorization"), "Bearer PAGE-TOKEN");
  EXPECT_EQ(json::parse(req->body), json::parse(R"({"recipient":{"id":"1254459154682919"},
      "messaging_type":"RESPONSE","message":{"text":"Dank voor je bericht"}})"));
}

TEST(Messenger, RefusesOutsideWindowAndWithoutInbound) {
  auto late = MessengerConnector(config()).build_send(message(at("2026-11-20T08:00:00Z")));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, core::ErrorCode::permanent);
  EXPECT_EQ(late.error().what(), "messenger: outside the 24-hour window");
  EXPECT_FALSE(MessengerConnector(config()).build_send(message(std::nullopt)).ok());
}

TEST(Messenger, ParseSend) {
  MessengerConnector m(config());
  auto sent = m.parse_send(answer(200, R"({"recipient_id":"1254459154682919","message_id":"m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P"})"));
  EXPECT_EQ(sent.verdict, SendVerdict::sent);
  EXPECT_EQ(sent.provider_id.rfind("m_AG5Hz2", 0), 0u);
  auto window = m.parse_send(answer(400, R"({"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278}})"));
  EXPECT_EQ(window.verdict, SendVerdict::permanent);
  EXPECT_EQ(window.reason, "messenger 10: (#10) This message is sent outside of allowed window.");
  EXPECT_EQ(m.parse_send(answer(400, R"({"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","code":613}})")).verdict,
            SendVerdict::transient);
}

TEST(Messenger, SignatureAndHandshake) {
  MessengerConnector m(config());
  WebhookRequest w = signed_post(R"({"object":"page","entry":[]})");
  EXPECT_TRUE(m.verify_signature(w).ok());
  w.body += " ";
  EXPECT_EQ(m.verify_signature(w).error().what(), "messenger webhook: X-Hub-Signature-256 does not match");
  w.headers.clear();
  EXPECT_EQ(m.verify_signature(w).error().what(), "messenger webhook: missing X-Hub-Signature-256");

  WebhookRequest get;
  get.method = "GET";
  get.target = "/webhooks/messenger?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=CHALLENGE_ACCEPTED";
  EXPECT_EQ(m.parse_webhook(get)->reply_body, "CHALLENGE_ACCEPTED");
}

TEST(Messenger, MessagesAndDeliveries) {
  const char* body = R"({"object":"page","entry":[{"id":"PAGE_ID","time":1458692752478,"messaging":[
    {"sender":{"id":"1254459154682919"},"recipient":{"id":"PAGE_ID"},"timestamp":1458692752478,
     "message":{"mid":"mid.1457764197618:41d102a3e1ae206a38","text":"hello, world!"}},
    {"sender":{"id":"PAGE_ID"},"recipient":{"id":"1254459154682919"},"timestamp":1458692752479,
     "message":{"mid":"mid.echo","text":"our own","is_echo":true}},
    {"sender":{"id":"1254459154682919"},"recipient":{"id":"PAGE_ID"},
     "delivery":{"mids":["mid.1458668856218:ed81099e15d3f4f233"],"watermark":1458668856253}},
    {"sender":{"id":"1254459154682919"},"recipient":{"id":"PAGE_ID"},"timestamp":1458668856463,
     "read":{"watermark":1458668856253}}]}]})";
  auto events = MessengerConnector(config()).parse_webhook(signed_post(body));
  ASSERT_TRUE(events.ok()) << events.error().what();
  ASSERT_EQ(events->inbound.size(), 1u);
  EXPECT_EQ(events->inbound[0].provider_message_id, "mid.1457764197618:41d102a3e1ae206a38");
  EXPECT_EQ(events->inbound[0].from.str(), "messenger:1254459154682919");
  EXPECT_EQ(events->inbound[0].text, "hello, world!");
  EXPECT_EQ(core::to_millis(*events->inbound[0].at), 1458692752478);
  ASSERT_EQ(events->statuses.size(), 1u);
  EXPECT_EQ(events->statuses[0].provider_id, "mid.1458668856218:ed81099e15d3f4f233");
  EXPECT_EQ(events->statuses[0].state, DeliveryState::delivered);
}

}  // namespace
}  // namespace outreach::channels

// Facebook Page posts share the Graph API error format; tested here with the other Meta channel.
#include "channels/facebook_page.h"

namespace outreach::channels {
namespace {

FacebookPageConfig page_config() {
  FacebookPageConfig c;
  c.page_id = "104523456789012";
  c.page_access_token = "PAGE TOKEN";
  return c;
}

TEST(FacebookPage, BuildsFeedPostAndParsesPostId) {
  FacebookPage page(page_config());
  auto req = page.build_post("Hulp nodig na de toeslagenaffaire? Kijk op herstel.example.nl");
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->url, "https://graph.facebook.com/v23.0/104523456789012/feed");
  EXPECT_EQ(req->body,
            "message=Hulp+nodig+na+de+toeslagenaffaire%3F+Kijk+op+herstel.example.nl&access_token=PAGE+TOKEN");
  EXPECT_EQ(page.parse_post(answer(200, R"({"id":"104523456789012_987654321098765"})")).value(),
            "104523456789012_987654321098765");
  auto limited = page.parse_post(answer(400, R"({"error":{"message":"(#32) Page request limit reached","code":32}})"));
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().code, core::ErrorCode::transient);
  EXPECT_EQ(limited.error().what(), "facebook_page: facebook_page 32: (#32) Page request limit reached");
  EXPECT_EQ(page.parse_post(answer(400, R"({"error":{"message":"(#200) Permissions error","code":200}})")).error().code,
            core::ErrorCode::permanent);
}

TEST(FacebookPage, IsNotAPerContactChannel) {
  FacebookPage page(page_config());
  OutboundMessage m = message(std::nullopt);
  EXPECT_FALSE(page.can_send_to(m.to));
  EXPECT_EQ(page.build_send(m).error().code, core::ErrorCode::permanent);
  EXPECT_FALSE(page.build_post("").ok());
  EXPECT_EQ(page.verify_signature(WebhookRequest{}).error().code, core::ErrorCode::forbidden);
}

TEST(FacebookPage, PublishesWhatIsSentToAPageUrnAsAFeedPost) {
  FacebookPage page(page_config());
  OutboundMessage m = message(std::nullopt);
  m.to = core::Urn::page("facebook_page").value();
  m.text = "Hulp nodig? Bel uw gemeente.";
  EXPECT_TRUE(page.can_send_to(m.to));
  auto req = page.build_send(m);
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->url, "https://graph.facebook.com/v23.0/104523456789012/feed");
  EXPECT_EQ(req->body, "message=Hulp+nodig%3F+Bel+uw+gemeente.&access_token=PAGE+TOKEN");
  auto sent = page.parse_send(answer(200, R"({"id":"104523456789012_1"})"));
  EXPECT_EQ(sent.verdict, SendVerdict::sent);
  EXPECT_EQ(sent.provider_id, "104523456789012_1");
}

}  // namespace
}  // namespace outreach::channels
