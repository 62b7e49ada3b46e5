#include "channels/whatsapp_connector.h"

#include <charconv>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "channels/json_fields.h"

#include "channels/form_encoding.h"
#include "channels/http_classify.h"
#include "channels/signature.h"
#include "core/json_text.h"

namespace outreach::channels {

namespace {

using nlohmann::json;

using detail::str_of;

// A Graph API timestamp (decimal seconds since the epoch) as a time; none when it is not one, or
// lies outside 1970-9999 (found by the fuzzer: a huge one overflowed the milliseconds).
std::optional<core::TimePoint> unix_seconds(const std::string& text) {
  constexpr long long kYear10000 = 253402300800;
  long long s = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), s);
  if (ec != std::errc() || p != text.data() + text.size() || s < 0 || s >= kYear10000) return std::nullopt;
  return core::from_millis(s * 1000);
}

// Runs of spaces, tabs and line breaks become one space; leading and trailing ones go.
std::string collapse_whitespace(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

core::Status verify_hub_signature(const WebhookRequest& request, std::string_view app_secret,
                                  std::string_view where) {
  const std::string* header = find_header(request.headers, "X-Hub-Signature-256");
  if (!header || header->empty()) return core::Error::forbidden("missing X-Hub-Signature-256", std::string(where));
  constexpr std::string_view kPrefix = "sha256=";
  if (header->compare(0, kPrefix.size(), kPrefix) != 0) {
    return core::Error::forbidden("X-Hub-Signature-256 is not 'sha256=<hex>'", std::string(where));
  }
  auto given = hex_decode(std::string_view(*header).substr(kPrefix.size()));
  std::string expected = hmac_sha256(app_secret, request.body);
  if (!given || !constant_time_equals(expected, *given)) {
    return core::Error::forbidden("X-Hub-Signature-256 does not match", std::string(where));
  }
  return {};
}

core::Result<std::string> hub_challenge(const WebhookRequest& request, std::string_view verify_token,
                                        std::string_view where) {
  auto q = parse_query(request.target.empty() ? request.url : request.target);
  if (!q) return core::Error::forbidden("unreadable query", std::string(where));
  const std::string* mode = find_field(*q, "hub.mode");
  const std::string* token = find_field(*q, "hub.verify_token");
  const std::string* challenge = find_field(*q, "hub.challenge");
  if (!mode || *mode != "subscribe" || !token || !challenge) {
    return core::Error::forbidden("not a subscription handshake", std::string(where));
  }
  if (verify_token.empty() || !constant_time_equals(*token, verify_token)) {
    return core::Error::forbidden("hub.verify_token does not match", std::string(where));
  }
  return *challenge;
}

SendOutcome classify_graph_error(const TransportResponse& response, std::string_view provider) {
  const std::string name(provider);
  if (auto failed = classify_transport(response, name)) return *failed;
  json body = json::parse(response.body, nullptr, false);
  const json* err = body.is_object() && body.contains("error") && body["error"].is_object() ? &body["error"] : nullptr;
  long long code = err && (*err).contains("code") && (*err)["code"].is_number_integer() ? (*err)["code"].get<long long>() : -1;
  std::string message = err ? str_of(*err, "message") : std::string();
  std::string details;
  if (err && err->contains("error_data") && (*err)["error_data"].is_object()) details = str_of((*err)["error_data"], "details");
  bool is_transient = err && err->contains("is_transient") && (*err)["is_transient"].is_boolean() &&
                      (*err)["is_transient"].get<bool>();
  std::string reason = name + " " + (code >= 0 ? std::to_string(code) : std::to_string(response.status)) + ": " +
                       (message.empty() ? "HTTP " + std::to_string(response.status) : message);
  if (!details.empty()) reason += " (" + details + ")";

  // Graph error codes documented as "not sent, try later" (rate limits, temporarily unavailable,
  // "message failed to send"), and any error Graph itself marks is_transient.
  static const std::set<long long> kTransient{1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131056, 133004};
  if (code == 131050) return SendOutcome{SendVerdict::opted_out, {}, std::move(reason), std::nullopt};
  return classify_failure(response, std::move(reason), kTransient.count(code) > 0 || is_transient);
}

WhatsAppConnector::WhatsAppConnector(WhatsAppConfig config) : config_(std::move(config)) {
  while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
}

bool WhatsAppConnector::can_send_to(const core::Urn& to) const { return to.scheme() == core::UrnScheme::whatsapp; }

core::Result<TransportRequest> WhatsAppConnector::build_send(const OutboundMessage& msg) const {
  if (!can_send_to(msg.to)) {
    return core::Error{core::ErrorCode::permanent, "whatsapp cannot send to '" + msg.to.str() + "'", "whatsapp"};
  }
  bool in_window = msg.last_inbound_at && msg.now >= *msg.last_inbound_at &&
                   msg.now - *msg.last_inbound_at < kCustomerServiceWindow;
  json body = {{"messaging_product", "whatsapp"}, {"recipient_type", "individual"}, {"to", msg.to.path()}};
  if (in_window) {
    if (msg.text.empty()) return core::Error::invalid("message text is empty", "whatsapp");
    body["type"] = "text";
    body["text"] = {{"preview_url", false}, {"body", msg.text}};
  } else {
    std::string name = msg.template_name;
    std::vector<std::string> values = msg.template_params;
    if (name.empty() && !config_.default_template.empty()) {
      if (msg.text.empty()) return core::Error::invalid("message text is empty", "whatsapp");
      name = config_.default_template;
      values = {collapse_whitespace(msg.text)};
    }
    if (name.empty()) {
      return core::Error{core::ErrorCode::permanent,
                         "outside the 24-hour window and no template configured", "whatsapp"};
    }
    json tmpl = {{"name", name},
                 {"language", {{"policy", "deterministic"}, {"code", msg.language.empty() ? "nl" : msg.language}}}};
    if (!values.empty()) {
      json params = json::array();
      for (const auto& p : values) params.push_back({{"type", "text"}, {"text", p}});
      tmpl["components"] = json::array({{{"type", "body"}, {"parameters", params}}});
    }
    body["type"] = "template";
    body["template"] = tmpl;
    // Echoed in every status webhook of this message: finds the row when we never recorded the
    // wamid. Only on templates (every campaign message that starts a conversation): Meta's v23.0
    // OpenAPI allows the field there but not on a free-text message.
    if (!msg.client_ref.empty()) body["biz_opaque_callback_data"] = msg.client_ref;
  }
  TransportRequest req;
  req.url = config_.base_url + "/" + config_.version + "/" + config_.phone_number_id + "/messages";
  req.headers = {{"Authorization", "Bearer " + config_.access_token}, {"Content-Type", "application/json"}};
  req.body = core::json_text(body);
  return req;
}

SendOutcome WhatsAppConnector::parse_send(const TransportResponse& response) const {
  if (response.status == 200 || response.status == 201) {
    json body = json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("messages") && body["messages"].is_array() && !body["messages"].empty()) {
      std::string id = str_of(body["messages"][0], "id");
      if (!id.empty()) return SendOutcome{SendVerdict::sent, id, {}, std::nullopt};
    }
    return unreadable_acceptance(response, "whatsapp", "a message id");
  }
  return classify_graph_error(response, "whatsapp");
}

core::Status WhatsAppConnector::verify_signature(const WebhookRequest& request) const {
  if (request.method == "GET") {
    auto c = hub_challenge(request, config_.verify_token, "whatsapp webhook");
    if (!c) return c.error();
    return {};
  }
  return verify_hub_signature(request, config_.app_secret, "whatsapp webhook");
}

core::Result<WebhookEvents> WhatsAppConnector::parse_webhook(const WebhookRequest& request) const {
  WebhookEvents events;
  if (request.method == "GET") {
    auto c = hub_challenge(request, config_.verify_token, "whatsapp webhook");
    if (!c) return c.error();
    events.reply_body = std::move(*c);
    return events;
  }
  json body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) return core::Error::invalid("body is not a JSON object", "whatsapp webhook");
  if (!body.contains("entry") || !body["entry"].is_array()) {
    return core::Error::invalid("entry missing", "whatsapp webhook");
  }
  for (const auto& entry : body["entry"]) {
    if (!entry.contains("changes") || !entry["changes"].is_array()) continue;
    for (const auto& change : entry["changes"]) {
      if (!change.contains("value") || !change["value"].is_object()) continue;
      const json& value = change["value"];
      if (value.contains("statuses") && value["statuses"].is_array()) {
        for (const auto& s : value["statuses"]) {
          StatusUpdate u;
          u.provider_id = str_of(s, "id");
          u.client_ref = str_of(s, "biz_opaque_callback_data");
          std::string status = str_of(s, "status");
          u.at = unix_seconds(str_of(s, "timestamp"));
          if (status == "sent") {
            u.state = DeliveryState::sent;
          } else if (status == "delivered") {
            u.state = DeliveryState::delivered;
          } else if (status == "read") {
            u.state = DeliveryState::read;
          } else if (status == "failed") {
            u.state = DeliveryState::undelivered;
            if (s.contains("errors") && s["errors"].is_array() && !s["errors"].empty()) {
              const json& e = s["errors"][0];
              std::string text = str_of(e, "title");
              if (text.empty()) text = str_of(e, "message");
              u.reason = "whatsapp " + str_of(e, "code") + ": " + text;
            } else {
              u.reason = "whatsapp: failed";
            }
          } else {
            continue;  // e.g. "deleted", "warning": nothing to record
          }
          if (u.provider_id.empty()) return core::Error::invalid("statuses[].id missing", "whatsapp webhook");
          events.statuses.push_back(std::move(u));
        }
      }
      if (value.contains("messages") && value["messages"].is_array()) {
        for (const auto& m : value["messages"]) {
          std::string id = str_of(m, "id");
          std::string from = str_of(m, "from");
          if (id.empty() || from.empty()) {
            return core::Error::invalid("messages[] without id or from", "whatsapp webhook");
          }
          auto urn = core::Urn::whatsapp(from);
          if (!urn) return urn.error().within("whatsapp webhook: messages[].from");
          std::string text;
          if (m.contains("text") && m["text"].is_object()) text = str_of(m["text"], "body");
          else if (m.contains("button") && m["button"].is_object()) text = str_of(m["button"], "text");
          events.inbound.push_back(InboundMessage{id, std::move(*urn), text, unix_seconds(str_of(m, "timestamp"))});
        }
      }
    }
  }
  return events;
}

}  // namespace outreach::channels
