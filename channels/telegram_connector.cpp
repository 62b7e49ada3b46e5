#include "channels/telegram_connector.h"

#include "channels/http_classify.h"

#include <nlohmann/json.hpp>

#include "channels/json_fields.h"

#include "channels/signature.h"
#include "core/json_text.h"

namespace outreach::channels {

namespace {

using nlohmann::json;

using detail::str_of;

}  // namespace

TelegramConnector::TelegramConnector(TelegramConfig config) : config_(std::move(config)) {
  while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
}

bool TelegramConnector::can_send_to(const core::Urn& to) const { return to.scheme() == core::UrnScheme::telegram; }

core::Result<TransportRequest> TelegramConnector::build_send(const OutboundMessage& msg) const {
  if (!can_send_to(msg.to)) {
    return core::Error{core::ErrorCode::permanent, "telegram cannot send to '" + msg.to.str() + "'", "telegram"};
  }
  if (msg.text.empty()) return core::Error::invalid("message text is empty", "telegram");
  json chat_id;
  try {
    std::size_t used = 0;
    long long id = std::stoll(msg.to.path(), &used);
    chat_id = used == msg.to.path().size() ? json(id) : json(msg.to.path());
  } catch (const std::exception&) {
    chat_id = msg.to.path();  // "@channelusername"
  }
  TransportRequest req;
  req.url = config_.base_url + "/bot" + config_.bot_token + "/sendMessage";
  req.headers = {{"Content-Type", "application/json"}};
  req.body = core::json_text(json{{"chat_id", chat_id}, {"text", msg.text}});
  return req;
}

SendOutcome TelegramConnector::parse_send(const TransportResponse& response) const {
  if (auto failed = classify_transport(response, "telegram")) return *failed;
  json body = json::parse(response.body, nullptr, false);
  bool ok = body.is_object() && body.contains("ok") && body["ok"].is_boolean() && body["ok"].get<bool>();
  if (response.status == 200) {
    if (ok && body.contains("result") && body["result"].is_object()) {
      const json& r = body["result"];
      std::string message_id = str_of(r, "message_id");
      std::string chat = r.contains("chat") ? str_of(r["chat"], "id") : std::string();
      if (!message_id.empty()) return SendOutcome{SendVerdict::sent, chat + ":" + message_id, {}, std::nullopt};
    }
    if (ok || !body.is_object()) return unreadable_acceptance(response, "telegram", "a message_id");
  }
  std::string code = str_of(body, "error_code");
  std::string description = str_of(body, "description");
  std::string reason = "telegram " + (code.empty() ? std::to_string(response.status) : code) + ": " +
                       (description.empty() ? "HTTP " + std::to_string(response.status) : description);
  if (response.status == 403 && description.find("blocked by the user") != std::string::npos) {
    return SendOutcome{SendVerdict::opted_out, {}, std::move(reason), std::nullopt};
  }
  SendOutcome out = classify_failure(response, std::move(reason));
  if (out.verdict == SendVerdict::transient && body.contains("parameters") && body["parameters"].is_object() &&
      body["parameters"].contains("retry_after") && body["parameters"]["retry_after"].is_number_integer()) {
    out.retry_after = std::chrono::seconds(body["parameters"]["retry_after"].get<long long>());
  }
  return out;
}

core::Status TelegramConnector::verify_signature(const WebhookRequest& request) const {
  const std::string* header = find_header(request.headers, "X-Telegram-Bot-Api-Secret-Token");
  if (!header || header->empty()) {
    return core::Error::forbidden("missing X-Telegram-Bot-Api-Secret-Token", "telegram webhook");
  }
  if (config_.secret_token.empty() || !constant_time_equals(*header, config_.secret_token)) {
    return core::Error::forbidden("X-Telegram-Bot-Api-Secret-Token does not match", "telegram webhook");
  }
  return {};
}

core::Result<WebhookEvents> TelegramConnector::parse_webhook(const WebhookRequest& request) const {
  json update = json::parse(request.body, nullptr, false);
  if (!update.is_object()) return core::Error::invalid("body is not a JSON object", "telegram webhook");
  WebhookEvents events;
  const json* m = nullptr;
  if (update.contains("message") && update["message"].is_object()) m = &update["message"];
  else if (update.contains("edited_message") && update["edited_message"].is_object()) m = &update["edited_message"];
  if (!m) return events;
  std::string chat = m->contains("chat") ? str_of((*m)["chat"], "id") : std::string();
  std::string message_id = str_of(*m, "message_id");
  if (chat.empty() || message_id.empty()) {
    return core::Error::invalid("message without chat.id or message_id", "telegram webhook");
  }
  auto urn = core::Urn::parse("telegram:" + chat);
  if (!urn) return urn.error().within("telegram webhook: message.chat.id");
  std::optional<core::TimePoint> at;
  if (m->contains("date") && (*m)["date"].is_number_integer()) at = core::from_millis((*m)["date"].get<long long>() * 1000);
  events.inbound.push_back(InboundMessage{chat + ":" + message_id, std::move(*urn), str_of(*m, "text"), at});
  return events;
}

}  // namespace outreach::channels
