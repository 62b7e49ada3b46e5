#include "channels/telegram_connector.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "channels/connector_factory.h"

namespace outreach::channels {
namespace {

using nlohmann::json;

TelegramConfig config() {
  TelegramConfig c;
  c.bot_token = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
  c.secret_token = "webhook-secret_1";
  return c;
}

OutboundMessage message(const char* chat = "987654321") {
  return OutboundMessage{.client_ref = "c1", .to = core::Urn::parse(std::string("telegram:") + chat).take(), .text = "Hallo"};
}

TransportResponse answer(int status, std::string body) {
  TransportResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

WebhookRequest update(std::string body, std::optional<std::string> secret = "webhook-secret_1") {
  WebhookRequest w;
  w.method = "POST";
  w.url = "https://outreach.example.org/webhooks/telegram";
  w.body = std::move(body);
  if (secret) w.headers = {{"X-Telegram-Bot-Api-Secret-Token", *secret}};
  return w;
}

TEST(Telegram, BuildsSendMessage) {
  auto req = TelegramConnector(config()).build_send(message());
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->url, "https://api.telegram.org/bot123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11/sendMessage");
  EXPECT_EQ(json::parse(req->body), json::parse(R"({"chat_id":987654321,"text":"Hallo"})"));
  EXPECT_EQ(json::parse(TelegramConnector(config()).build_send(message("-1001234567890"))->body)["chat_id"],
            -1001234567890LL);
}

TEST(Telegram, SentAnswerGivesChatScopedId) {
  auto out = TelegramConnector(config()).parse_send(answer(200,
      R"({"ok":true,"result":{"message_id":42,"from":{"id":123456,"is_bot":true,"first_name":"Bot"},"chat":{"id":987654321,"type":"private"},"date":1763800000,"text":"Hallo"}})"));
  EXPECT_EQ(out.verdict, SendVerdict::sent);
  EXPECT_EQ(out.provider_id, "987654321:42");
}

TEST(Telegram, ErrorsAreClassified) {
  TelegramConnector tg(config());
  auto blocked = tg.parse_send(answer(403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})"));
  EXPECT_EQ(blocked.verdict, SendVerdict::opted_out);
  EXPECT_EQ(blocked.reason, "telegram 403: Forbidden: bot was blocked by the user");
  auto missing = tg.parse_send(answer(400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})"));
  EXPECT_EQ(missing.verdict, SendVerdict::permanent);
  EXPECT_EQ(missing.reason, "telegram 400: Bad Request: chat not found");
  auto limited = tg.parse_send(answer(429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}})"));
  EXPECT_EQ(limited.verdict, SendVerdict::transient);
  EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(17000));
  auto deactivated = tg.parse_send(answer(403, R"({"ok":false,"error_code":403,"description":"Forbidden: user is deactivated"})"));
  EXPECT_EQ(deactivated.verdict, SendVerdict::permanent);
  TransportResponse none;
  none.timed_out = true;
  EXPECT_EQ(tg.parse_send(none).verdict, SendVerdict::transient);
  none.request_sent = true;
  EXPECT_EQ(tg.parse_send(none).verdict, SendVerdict::ambiguous);
  EXPECT_EQ(tg.parse_send(answer(502, "Bad Gateway")).verdict, SendVerdict::ambiguous);
}

TEST(Telegram, SecretTokenHeader) {
  TelegramConnector tg(config());
  EXPECT_TRUE(tg.verify_signature(update("{}")).ok());
  EXPECT_EQ(tg.verify_signature(update("{}", "webhook-secret_2")).error().what(),
            "telegram webhook: X-Telegram-Bot-Api-Secret-Token does not match");
  EXPECT_EQ(tg.verify_signature(update("{}", std::nullopt)).error().what(),
            "telegram webhook: missing X-Telegram-Bot-Api-Secret-Token");
}

TEST(Telegram, MessageUpdateBecomesInbound) {
  auto events = TelegramConnector(config()).parse_webhook(update(R"({"update_id":10000,"message":{"date":1441645532,
      "chat":{"last_name":"Test Lastname","id":1111111,"type":"private","first_name":"Test Firstname","username":"Testusername"},
      "message_id":1365,"from":{"last_name":"Test Lastname","id":1111111,"is_bot":false,"first_name":"Test Firstname","username":"Testusername"},
      "text":"/start"}})"));
  ASSERT_TRUE(events.ok()) << events.error().what();
  ASSERT_EQ(events->inbound.size(), 1u);
  EXPECT_EQ(events->inbound[0].provider_message_id, "1111111:1365");
  EXPECT_EQ(events->inbound[0].from.str(), "telegram:1111111");
  EXPECT_EQ(events->inbound[0].text, "/start");
  EXPECT_EQ(core::to_millis(*events->inbound[0].at), 1441645532000);
}

TEST(Telegram, OtherUpdatesAreIgnoredAndBrokenOnesRefused) {
  TelegramConnector tg(config());
  auto poll = tg.parse_webhook(update(R"({"update_id":1,"poll":{"id":"1"}})"));
  ASSERT_TRUE(poll.ok());
  EXPECT_TRUE(poll->inbound.empty());
  EXPECT_EQ(tg.parse_webhook(update(R"({"update_id":1,"message":{"text":"x"}})")).error().what(),
            "telegram webhook: message without chat.id or message_id");
  EXPECT_EQ(tg.parse_webhook(update("not json")).error().what(), "telegram webhook: body is not a JSON object");
}

TEST(Telegram, FactoryNeedsBothTokens) {
  ProviderSettings s;
  s.provider = "telegram";
  s.base_url = "http://127.0.0.1:9";
  s.values = {{"bot_token", "1:a"}, {"secret_token", "s"}};
  auto c = make_connector(s);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->build_send(message())->url, "http://127.0.0.1:9/bot1:a/sendMessage");
  s.values["secret_token"] = "";
  EXPECT_EQ(make_connector(s).error().what(), "providers.telegram.secret_token: missing setting");
}

}  // namespace
}  // namespace outreach::channels
