#include "channels/messagebird_connector.h"

#include <charconv>

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

core::Error refuse(std::string message) {
  return core::Error::forbidden(std::move(message), "messagebird webhook");
}

}  // namespace

core::Status verify_messagebird_jwt(std::string_view token, std::string_view url, std::string_view body,
                                    std::string_view signing_key, core::TimePoint now) {
  auto payload = verify_jwt_hs256(token, signing_key);
  if (!payload) return refuse(payload.error().message);
  json claims = json::parse(*payload, nullptr, false);
  if (!claims.is_object()) return refuse("jwt: claims are not a JSON object");
  if (str_of(claims, "iss") != "MessageBird") return refuse("jwt: iss is not MessageBird");
  if (str_of(claims, "jti").empty()) return refuse("jwt: jti missing");
  if (!claims.contains("nbf") || !claims["nbf"].is_number_integer() || !claims.contains("exp") ||
      !claims["exp"].is_number_integer()) {
    return refuse("jwt: nbf or exp missing");
  }
  const auto leeway = std::chrono::duration_cast<core::Millis>(kJwtLeeway);
  auto nbf = core::from_millis(claims["nbf"].get<long long>() * 1000);
  auto exp = core::from_millis(claims["exp"].get<long long>() * 1000);
  if (now + leeway < nbf) return refuse("jwt: nbf is in the future");
  if (now - leeway >= exp) return refuse("jwt: exp is in the past");
  auto url_hash = hex_decode(str_of(claims, "url_hash"));
  if (!url_hash || !constant_time_equals(*url_hash, sha256(url))) return refuse("jwt: url_hash does not match");
  std::string payload_hash = str_of(claims, "payload_hash");
  if (!payload_hash.empty()) {
    auto given = hex_decode(payload_hash);
    if (!given || !constant_time_equals(*given, sha256(body))) return refuse("jwt: payload_hash does not match");
  } else if (!body.empty()) {
    return refuse("jwt: payload_hash missing for a non-empty body");
  }
  return {};
}

MessageBirdConnector::MessageBirdConnector(MessageBirdConfig config, const core::Clock& clock)
    : config_(std::move(config)), clock_(clock) {
  while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
}

bool MessageBirdConnector::can_send_to(const core::Urn& to) const { return to.scheme() == core::UrnScheme::tel; }

core::Result<TransportRequest> MessageBirdConnector::build_send(const OutboundMessage& msg) const {
  if (!can_send_to(msg.to)) {
    return core::Error{core::ErrorCode::permanent, "messagebird cannot send to '" + msg.to.str() + "'", "messagebird"};
  }
  if (msg.text.empty()) return core::Error::invalid("message text is empty", "messagebird");
  const std::string& e164 = msg.to.path();  // "+31612345678"
  json body = {{"recipients", json::array({e164.substr(e164.rfind('+') == 0 ? 1 : 0)})},
               {"originator", config_.originator},
               {"body", msg.text},
               {"reference", msg.client_ref}};
  if (!config_.report_url.empty()) body["reportUrl"] = config_.report_url;
  TransportRequest req;
  req.url = config_.base_url + "/messages";
  req.headers = {{"Authorization", "AccessKey " + config_.access_key}, {"Content-Type", "application/json"},
                 {"Accept", "application/json"}};
  req.body = core::json_text(body);
  return req;
}

SendOutcome MessageBirdConnector::parse_send(const TransportResponse& response) const {
  if (auto failed = classify_transport(response, "messagebird")) return *failed;
  json body = json::parse(response.body, nullptr, false);
  if (response.status == 201 || response.status == 200) {
    std::string id = str_of(body, "id");
    if (!id.empty()) return SendOutcome{SendVerdict::sent, id, {}, std::nullopt};
    return unreadable_acceptance(response, "messagebird", "a message id");
  }
  std::string code, description;
  if (body.is_object() && body.contains("errors") && body["errors"].is_array() && !body["errors"].empty()) {
    code = str_of(body["errors"][0], "code");
    description = str_of(body["errors"][0], "description");
  }
  return classify_failure(response, "messagebird " + (code.empty() ? std::to_string(response.status) : code) + ": " +
                                        (description.empty() ? "HTTP " + std::to_string(response.status) : description));
}

core::Status MessageBirdConnector::verify_signature(const WebhookRequest& request) const {
  const std::string* jwt = find_header(request.headers, "MessageBird-Signature-JWT");
  if (!jwt || jwt->empty()) return refuse("missing MessageBird-Signature-JWT");
  return verify_messagebird_jwt(*jwt, request.url, request.body, config_.signing_key, clock_.now());
}

core::Result<WebhookEvents> MessageBirdConnector::parse_webhook(const WebhookRequest& request) const {
  auto fields = request.method == "GET" ? parse_query(request.target.empty() ? request.url : request.target)
                                        : form_decode(request.body);
  if (!fields) return fields.error().within("messagebird webhook");
  auto get = [&](std::string_view name) {
    const std::string* v = find_field(*fields, name);
    return v ? *v : std::string();
  };
  WebhookEvents events;
  std::string id = get("id");
  if (id.empty()) return core::Error::invalid("id missing", "messagebird webhook");
  std::string status = get("status");
  if (!status.empty()) {
    StatusUpdate u;
    u.provider_id = id;
    u.client_ref = get("reference");
    if (status == "delivered") {
      u.state = DeliveryState::delivered;
    } else if (status == "sent") {
      u.state = DeliveryState::sent;
    } else if (status == "expired" || status == "delivery_failed") {
      u.state = DeliveryState::undelivered;
      std::string code = get("statusErrorCode");
      u.reason = "messagebird " + (code.empty() ? status : code + ": " + status);
    } else {
      return events;  // scheduled, buffered: nothing to record yet
    }
    core::TimePoint t;
    if (core::parse_utc(get("statusDatetime"), t)) u.at = t;
    events.statuses.push_back(std::move(u));
    return events;
  }
  std::string originator = get("originator");
  std::string text = find_field(*fields, "body") ? get("body") : get("message");
  if (originator.empty()) return core::Error::invalid("neither status nor originator present", "messagebird webhook");
  auto urn = core::Urn::phone(originator.front() == '+' ? originator : "+" + originator);
  if (!urn) return urn.error().within("messagebird webhook: originator");
  events.inbound.push_back(InboundMessage{id, std::move(*urn), text, std::nullopt});
  return events;
}

}  // namespace outreach::channels
