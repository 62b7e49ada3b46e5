#include "channels/cm_connector.h"

#include <cctype>

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

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

const std::string* field_ci(const FormFields& f, std::string_view name) {
  for (const auto& [k, v] : f) {
    if (upper(k) == name) return &v;
  }
  return nullptr;
}

// One status report, whichever format it came in. `code` is CM's error code (STATUSDESCRIPTION,
// status.errorCode) and `text` its standard error text (STANDARDERRORTEXT, status.errorDescription).
core::Result<StatusUpdate> status_report(const std::string& reference, const std::string& status,
                                         const std::string& code, const std::string& text) {
  if (reference.empty() || status.empty()) {
    return core::Error::invalid("status report without REFERENCE or STATUS", "cm webhook");
  }
  StatusUpdate u;
  u.provider_id = reference;
  u.client_ref = reference;  // CM has no id of its own: the reference we sent is the provider id
  if (status == "0") {
    u.state = DeliveryState::sent;
  } else if (status == "2") {
    u.state = DeliveryState::delivered;
  } else if (status == "1" || status == "3") {
    u.state = DeliveryState::undelivered;
    u.reason = "cm " + (code.empty() ? status : code) + ": " + (text.empty() ? (status == "1" ? "rejected" : "failed") : text);
  } else {
    return core::Error::invalid("unknown STATUS '" + status + "'", "cm webhook");
  }
  return u;
}

}  // namespace

CmConnector::CmConnector(CmConfig config) : config_(std::move(config)) {
  while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
}

bool CmConnector::can_send_to(const core::Urn& to) const { return to.scheme() == core::UrnScheme::tel; }

core::Result<TransportRequest> CmConnector::build_send(const OutboundMessage& msg) const {
  if (!can_send_to(msg.to)) {
    return core::Error{core::ErrorCode::permanent, "cm cannot send to '" + msg.to.str() + "'", "cm"};
  }
  if (msg.text.empty()) return core::Error::invalid("message text is empty", "cm");
  const std::string& e164 = msg.to.path();  // "+31612345678"
  json m = {{"from", config_.from},
            {"to", json::array({{{"number", "00" + e164.substr(e164.rfind('+') == 0 ? 1 : 0)}}})},
            {"body", {{"type", "auto"}, {"content", msg.text}}},
            {"reference", msg.client_ref},
            {"allowedChannels", json::array({"SMS"})}};
  json body = {{"messages", {{"authentication", {{"producttoken", config_.product_token}}}, {"msg", json::array({m})}}}};
  TransportRequest req;
  req.url = config_.base_url + "/v1.0/message";
  req.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"X-CM-PRODUCTTOKEN", config_.product_token}};
  req.body = core::json_text(body);
  return req;
}

SendOutcome CmConnector::parse_send(const TransportResponse& response) const {
  if (auto failed = classify_transport(response, "cm")) return *failed;
  json body = json::parse(response.body, nullptr, false);
  std::string error_code = str_of(body, "errorCode");
  std::string details = str_of(body, "details");
  const json* first = body.is_object() && body.contains("messages") && body["messages"].is_array() &&
                              !body["messages"].empty()
                          ? &body["messages"][0]
                          : nullptr;
  if (response.status == 200 && first && str_of(*first, "status") == "Accepted") {
    return SendOutcome{SendVerdict::sent, str_of(*first, "reference"), {}, std::nullopt};
  }
  if (response.status == 200 && !first) return unreadable_acceptance(response, "cm", "a per-message status");
  std::string code = first ? str_of(*first, "messageErrorCode") : std::string();
  std::string text = first ? str_of(*first, "messageDetails") : std::string();
  if (code.empty() || code == "0") code = error_code;
  if (text.empty()) text = details;
  std::string reason = "cm " + (code.empty() ? std::to_string(response.status) : code) + ": " +
                       (text.empty() ? "HTTP " + std::to_string(response.status) : text);
  // errorCode 999 is CM's "unknown error": whether the message went out is not known.
  if (error_code == "999") return SendOutcome{SendVerdict::ambiguous, {}, std::move(reason), std::nullopt};
  // A message CM answered "Rejected" for was not accepted: a 200 with a rejection is permanent.
  if (response.status == 200) return SendOutcome{SendVerdict::permanent, {}, std::move(reason), std::nullopt};
  return classify_failure(response, std::move(reason));
}

core::Status CmConnector::verify_signature(const WebhookRequest& request) const {
  auto q = parse_query(request.target.empty() ? request.url : request.target);
  const std::string* token = q ? find_field(*q, "token") : nullptr;
  if (!token || token->empty()) return core::Error::forbidden("missing token query parameter", "cm webhook");
  if (config_.webhook_token.empty() || !constant_time_equals(*token, config_.webhook_token)) {
    return core::Error::forbidden("token query parameter does not match", "cm webhook");
  }
  return {};
}

core::Result<WebhookEvents> CmConnector::parse_webhook(const WebhookRequest& request) const {
  WebhookEvents events;
  std::string_view body = request.body;
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
  if (!body.empty() && body.front() == '{') {
    json j = json::parse(body, nullptr, false);
    if (!j.is_object()) return core::Error::invalid("body is not a JSON object", "cm webhook");
    if (j.contains("messages") && j["messages"].is_object() && j["messages"].contains("msg")) {
      const json& msg = j["messages"]["msg"];
      const json* st = msg.is_object() && msg.contains("status") && msg["status"].is_object() ? &msg["status"] : nullptr;
      auto u = status_report(str_of(msg, "reference"), st ? str_of(*st, "code") : std::string(),
                             st ? str_of(*st, "errorCode") : std::string(),
                             st ? str_of(*st, "errorDescription") : std::string());
      if (!u) return u.error();
      events.statuses.push_back(std::move(*u));
      return events;
    }
    if (!j.contains("message") || !j["message"].is_object() || !j.contains("from")) {
      return core::Error::invalid("not an inbound message (message/from missing)", "cm webhook");
    }
    std::string reference = str_of(j, "reference");
    std::string number = str_of(j["from"], "number");
    if (reference.empty() || number.empty()) {
      return core::Error::invalid("inbound message without reference or from.number", "cm webhook");
    }
    std::string channel = str_of(j, "channel");
    auto urn = channel == "WhatsApp" ? core::Urn::whatsapp(number) : core::Urn::phone(number);
    if (!urn) return urn.error().within("cm webhook: from.number");
    std::optional<core::TimePoint> at;
    core::TimePoint t;
    if (core::parse_utc(str_of(j, "timeUtc") + "Z", t)) at = t;
    events.inbound.push_back(InboundMessage{reference, std::move(*urn), str_of(j["message"], "text"), at});
    return events;
  }
  auto fields = request.method == "GET" ? parse_query(request.target.empty() ? request.url : request.target)
                                        : form_decode(request.body);
  if (!fields) return fields.error().within("cm webhook");
  const std::string* reference = field_ci(*fields, "REFERENCE");
  const std::string* status = field_ci(*fields, "STATUS");
  const std::string* code = field_ci(*fields, "STATUSDESCRIPTION");
  const std::string* text = field_ci(*fields, "STANDARDERRORTEXT");
  auto u = status_report(reference ? *reference : std::string(), status ? *status : std::string(),
                         code ? *code : std::string(), text ? *text : std::string());
  if (!u) return u.error();
  events.statuses.push_back(std::move(*u));
  return events;
}

}  // namespace outreach::channels
