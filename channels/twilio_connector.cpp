#include "channels/twilio_connector.h"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "channels/http_classify.h"
#include "channels/signature.h"

namespace outreach::channels {

namespace {

using nlohmann::json;

std::string str_field(const json& j, const char* name) {
  if (!j.is_object() || !j.contains(name)) return {};
  const json& v = j[name];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return {};
}

core::Result<core::Urn> twilio_address(const std::string& raw) {
  if (raw.rfind("whatsapp:", 0) == 0) return core::Urn::whatsapp(raw.substr(9));
  return core::Urn::phone(raw);
}

}  // namespace

std::string twilio_signature(std::string_view auth_token, std::string_view url, const FormFields& post_fields) {
  FormFields sorted = post_fields;
  std::stable_sort(sorted.begin(), sorted.end());
  std::string data(url);
  for (const auto& [name, value] : sorted) {
    data += name;
    data += value;
  }
  return base64_encode(hmac_sha1(auth_token, data));
}

TwilioConnector::TwilioConnector(TwilioConfig config) : config_(std::move(config)) {
  while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
  messages_url_ = config_.base_url + "/2010-04-01/Accounts/" + percent_encode(config_.account_sid) + "/Messages.json";
}

bool TwilioConnector::can_send_to(const core::Urn& to) const { return to.scheme() == core::UrnScheme::tel; }

core::Result<TransportRequest> TwilioConnector::build_send(const OutboundMessage& msg) const {
  if (!can_send_to(msg.to)) {
    return core::Error{core::ErrorCode::permanent, "twilio cannot send to '" + msg.to.str() + "'", "twilio"};
  }
  if (msg.text.empty()) return core::Error::invalid("message text is empty", "twilio");
  FormFields fields{{"To", msg.to.path()}};
  if (!config_.messaging_service_sid.empty()) {
    fields.emplace_back("MessagingServiceSid", config_.messaging_service_sid);
  } else {
    fields.emplace_back("From", config_.from);
  }
  fields.emplace_back("Body", msg.text);
  if (!config_.status_callback.empty()) fields.emplace_back("StatusCallback", status_callback_for(msg.client_ref));

  TransportRequest req;
  req.method = "POST";
  req.url = messages_url_;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  req.body = form_encode(fields);
  req.username = config_.account_sid;
  req.password = config_.auth_token;
  return req;
}

std::string TwilioConnector::status_callback_for(const std::string& client_ref) const {
  if (client_ref.empty()) return config_.status_callback;
  const char sep = config_.status_callback.find('?') == std::string::npos ? '?' : '&';
  return config_.status_callback + sep + std::string(kRefParam) + "=" + percent_encode(client_ref);
}

SendOutcome TwilioConnector::parse_send(const TransportResponse& response) const {
  if (auto failed = classify_transport(response, "twilio")) return *failed;
  json body = json::parse(response.body, nullptr, false);
  if (response.status == 201 || response.status == 200) {
    std::string sid = str_field(body, "sid");
    if (!sid.empty()) return SendOutcome{SendVerdict::sent, sid, {}, std::nullopt};
    return unreadable_acceptance(response, "twilio", "a message sid");
  }
  std::string code = str_field(body, "code");
  std::string message = str_field(body, "message");
  std::string reason = "twilio " + (code.empty() ? std::to_string(response.status) : code) + ": " +
                       (message.empty() ? "HTTP " + std::to_string(response.status) : message);
  if (code == "21610") return SendOutcome{SendVerdict::opted_out, {}, std::move(reason), std::nullopt};
  // Twilio documents 503 as "temporarily unable to service the request": not accepted.
  return classify_failure(response, std::move(reason), response.status == 503);
}

core::Status TwilioConnector::verify_signature(const WebhookRequest& request) const {
  const std::string* header = find_header(request.headers, "X-Twilio-Signature");
  if (!header || header->empty()) return core::Error::forbidden("missing X-Twilio-Signature", "twilio webhook");
  FormFields fields;
  if (request.method == "POST") {
    auto decoded = form_decode(request.body);
    if (!decoded) return core::Error::forbidden("unreadable form body", "twilio webhook");
    fields = std::move(*decoded);
  }
  std::string expected = twilio_signature(config_.auth_token, request.url, fields);
  if (!constant_time_equals(expected, *header)) {
    return core::Error::forbidden("X-Twilio-Signature does not match", "twilio webhook");
  }
  return {};
}

core::Result<WebhookEvents> TwilioConnector::parse_webhook(const WebhookRequest& request) const {
  auto decoded = request.method == "POST" ? form_decode(request.body) : parse_query(request.target);
  if (!decoded) return decoded.error().within("twilio webhook");
  const FormFields& f = *decoded;
  auto get = [&](std::string_view name) {
    const std::string* v = find_field(f, name);
    return v ? *v : std::string();
  };
  WebhookEvents events;
  std::string sid = get("MessageSid");
  if (sid.empty()) sid = get("SmsSid");
  if (sid.empty()) return core::Error::invalid("MessageSid missing", "twilio webhook");

  std::string status = get("MessageStatus");
  if (status.empty()) status = get("SmsStatus");
  if (!status.empty() && status != "received" && status != "receiving") {
    StatusUpdate u;
    u.provider_id = sid;
    if (auto q = parse_query(request.target.empty() ? request.url : request.target)) {
      if (const std::string* ref = find_field(*q, kRefParam)) u.client_ref = *ref;
    }
    if (status == "delivered") {
      u.state = DeliveryState::delivered;
    } else if (status == "read") {
      u.state = DeliveryState::read;
    } else if (status == "undelivered" || status == "failed" || status == "canceled") {
      u.state = DeliveryState::undelivered;
      std::string code = get("ErrorCode");
      u.reason = "twilio " + (code.empty() ? status : code + ": " + status);
    } else if (status == "sent") {
      u.state = DeliveryState::sent;
    } else {
      return events;  // queued, accepted, sending, scheduled: nothing to record yet
    }
    events.statuses.push_back(std::move(u));
    return events;
  }
  const std::string* from = find_field(f, "From");
  const std::string* body = find_field(f, "Body");
  if (!from || !body) return core::Error::invalid("inbound message without From or Body", "twilio webhook");
  auto urn = twilio_address(*from);
  if (!urn) return urn.error().within("twilio webhook: From");
  events.inbound.push_back(InboundMessage{sid, std::move(*urn), *body, std::nullopt});
  return events;
}

}  // namespace outreach::channels
