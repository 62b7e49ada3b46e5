#include "channels/messenger_connector.h"

#include "channels/http_classify.h"

#include <nlohmann/json.hpp>

#include "channels/json_fields.h"

#include "channels/whatsapp_connector.h"
#include "core/json_text.h"

namespace outreach::channels {

namespace {

using nlohmann::json;

using detail::str_of;

}  // namespace

MessengerConnector::MessengerConnector(MessengerConfig config) : config_(std::move(config)) {
  while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
}

bool MessengerConnector::can_send_to(const core::Urn& to) const {
  return to.scheme() == core::UrnScheme::messenger;
}

core::Result<TransportRequest> MessengerConnector::build_send(const OutboundMessage& msg) const {
  if (!can_send_to(msg.to)) {
    return core::Error{core::ErrorCode::permanent, "messenger cannot send to '" + msg.to.str() + "'", "messenger"};
  }
  bool in_window = msg.last_inbound_at && msg.now >= *msg.last_inbound_at &&
                   msg.now - *msg.last_inbound_at < kCustomerServiceWindow;
  if (!in_window) {
    return core::Error{core::ErrorCode::permanent, "outside the 24-hour window", "messenger"};
  }
  if (msg.text.empty()) return core::Error::invalid("message text is empty", "messenger");
  json body = {{"recipient", {{"id", msg.to.path()}}},
               {"messaging_type", "RESPONSE"},
               {"message", {{"text", msg.text}}}};
  TransportRequest req;
  req.url = config_.base_url + "/" + config_.version + "/me/messages";
  req.headers = {{"Authorization", "Bearer " + config_.page_access_token}, {"Content-Type", "application/json"}};
  req.body = core::json_text(body);
  return req;
}

SendOutcome MessengerConnector::parse_send(const TransportResponse& response) const {
  if (response.status == 200) {
    json body = json::parse(response.body, nullptr, false);
    std::string id = str_of(body, "message_id");
    if (!id.empty()) return SendOutcome{SendVerdict::sent, id, {}, std::nullopt};
    return unreadable_acceptance(response, "messenger", "a message_id");
  }
  return classify_graph_error(response, "messenger");
}

core::Status MessengerConnector::verify_signature(const WebhookRequest& request) const {
  if (request.method == "GET") {
    auto c = hub_challenge(request, config_.verify_token, "messenger webhook");
    if (!c) return c.error();
    return {};
  }
  return verify_hub_signature(request, config_.app_secret, "messenger webhook");
}

core::Result<WebhookEvents> MessengerConnector::parse_webhook(const WebhookRequest& request) const {
  WebhookEvents events;
  if (request.method == "GET") {
    auto c = hub_challenge(request, config_.verify_token, "messenger webhook");
    if (!c) return c.error();
    events.reply_body = std::move(*c);
    return events;
  }
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("entry") || !body["entry"].is_array()) {
    return core::Error::invalid("entry missing", "messenger webhook");
  }
  for (const auto& entry : body["entry"]) {
    if (!entry.contains("messaging") || !entry["messaging"].is_array()) continue;
    for (const auto& ev : entry["messaging"]) {
      std::optional<core::TimePoint> at;
      if (ev.contains("timestamp") && ev["timestamp"].is_number_integer()) {
        at = core::from_millis(ev["timestamp"].get<long long>());
      }
      if (ev.contains("message") && ev["message"].is_object()) {
        const json& m = ev["message"];
        if (m.contains("is_echo") && m["is_echo"].is_boolean() && m["is_echo"].get<bool>()) continue;
        std::string sender = ev.contains("sender") ? str_of(ev["sender"], "id") : std::string();
        std::string mid = str_of(m, "mid");
        if (sender.empty() || mid.empty()) return core::Error::invalid("message without sender.id or mid", "messenger webhook");
        auto urn = core::Urn::parse("messenger:" + sender);
        if (!urn) return urn.error().within("messenger webhook: sender.id");
        events.inbound.push_back(InboundMessage{mid, std::move(*urn), str_of(m, "text"), at});
      } else if (ev.contains("delivery") && ev["delivery"].is_object()) {
        const json& d = ev["delivery"];
        if (d.contains("mids") && d["mids"].is_array()) {
          for (const auto& mid : d["mids"]) {
            if (mid.is_string()) events.statuses.push_back(StatusUpdate{mid.get<std::string>(), DeliveryState::delivered, {}, at});
          }
        }
      }
    }
  }
  return events;
}

}  // namespace outreach::channels
