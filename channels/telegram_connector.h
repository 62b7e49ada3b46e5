#pragma once
// Telegram Bot API.
// Sends: POST {base}/bot{token}/sendMessage, JSON {chat_id, text}. The provider id is
// "<chat_id>:<message_id>" (message ids are unique per chat only).
// Webhooks: POST of an Update (message.chat.id, message.message_id, message.text), authenticated by
// the X-Telegram-Bot-Api-Secret-Token header set with setWebhook(secret_token) (constant time).
// Telegram reports no delivery status. Immutable after construction; safe from any thread.

#include <string>

#include "channels/connector.h"

namespace outreach::channels {

struct TelegramConfig {
  std::string base_url = "https://api.telegram.org";
  std::string bot_token;
  std::string secret_token;
};

class TelegramConnector final : public Connector {
 public:
  explicit TelegramConnector(TelegramConfig config);

  std::string_view provider() const override { return "telegram"; }
  // telegram: addresses (chat ids).
  bool can_send_to(const core::Urn& to) const override;
  core::Result<TransportRequest> build_send(const OutboundMessage& msg) const override;
  // ok:true -> sent; 403 "bot was blocked by the user" -> opted_out; 429 (parameters.retry_after),
  // 503 with Retry-After, failures before the request left -> transient; no answer after the
  // request was sent, other 5xx (Telegram's 502s are known to deliver anyway), a 200 without
  // message_id -> ambiguous; other errors (400 "chat not found", ...) -> permanent
  // "telegram <error_code>: <description>".
  SendOutcome parse_send(const TransportResponse& response) const override;
  core::Status verify_signature(const WebhookRequest& request) const override;
  // message or edited_message -> inbound with id "<chat_id>:<message_id>"; other updates -> nothing.
  core::Result<WebhookEvents> parse_webhook(const WebhookRequest& request) const override;

 private:
  TelegramConfig config_;
};

}  // namespace outreach::channels
