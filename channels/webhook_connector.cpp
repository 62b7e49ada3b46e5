#include "channels/webhook_connector.h"

#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "channels/http_classify.h"
#include "channels/signature.h"
#include "core/json_text.h"
#include "core/text.h"

namespace outreach::channels {
namespace {

std::int64_t unix_seconds(core::TimePoint t) {
  auto ms = core::to_millis(t);
  return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

using core::trim;

core::Error unauthorized(std::string_view header, std::string message) {
  return core::Error{core::ErrorCode::unauthorized, std::move(message), std::string(header)};
}

bool loopback_http(std::string_view url) {
  for (std::string_view host : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (url.starts_with(host) && (url.size() == host.size() || url[host.size()] == ':' || url[host.size()] == '/'))
      return true;
  }
  return false;
}

}  // namespace

std::string sign_v1(std::string_view secret, std::int64_t ts, std::string_view body) {
  std::string data = std::to_string(ts);
  data += '.';
  data.append(body);
  return "v1=" + hex_encode(hmac_sha256(secret, data));
}

void add_signature_headers(Headers& headers, std::string_view secret, core::TimePoint now,
                           std::string_view body) {
  std::int64_t ts = unix_seconds(now);
  headers.emplace_back(std::string(kTimestampHeader), std::to_string(ts));
  headers.emplace_back(std::string(kSignatureHeader), sign_v1(secret, ts, body));
}

core::Status verify_v1(const Headers& headers, std::string_view body, std::string_view secret,
                       core::TimePoint now, std::chrono::seconds tolerance) {
  const std::string* ts_text = find_header(headers, kTimestampHeader);
  if (ts_text == nullptr) return unauthorized(kTimestampHeader, "missing");
  std::string_view ts_view = trim(*ts_text);
  bool digits = !ts_view.empty() && ts_view.size() <= 12;
  for (char c : ts_view) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (!digits) return unauthorized(kTimestampHeader, "not a unix time: '" + *ts_text + "'");
  std::int64_t ts = std::strtoll(std::string(ts_view).c_str(), nullptr, 10);

  const std::string* sig = find_header(headers, kSignatureHeader);
  if (sig == nullptr) return unauthorized(kSignatureHeader, "missing");
  const std::string expected = sign_v1(secret, ts, body);
  bool any_v1 = false, match = false;
  std::string_view rest(*sig);
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (!item.starts_with("v1=")) continue;
    any_v1 = true;
    // Compare every candidate (no early exit), each in constant time.
    match = constant_time_equals(item, expected) || match;
  }
  if (!any_v1) return unauthorized(kSignatureHeader, "no v1 signature");
  if (!match) return unauthorized(kSignatureHeader, "does not match");

  std::int64_t age = unix_seconds(now) - ts;
  if (age > tolerance.count() || -age > tolerance.count())
    return unauthorized(kTimestampHeader, std::to_string(age < 0 ? -age : age) + " s away from now (limit " +
                                              std::to_string(tolerance.count()) + " s)");
  return {};
}

SendOutcome classify_http(const TransportResponse& r, std::string_view who) {
  std::string prefix(who);
  if (auto failed = classify_transport(r, prefix)) return *failed;
  if (r.status >= 200 && r.status < 300) {
    SendOutcome out;
    out.verdict = SendVerdict::sent;
    if (const std::string* id = find_header(r.headers, "X-Request-Id")) out.provider_id = *id;
    return out;
  }
  std::string body = r.body.substr(0, 200);
  return classify_failure(r, prefix + " " + std::to_string(r.status) + (body.empty() ? "" : ": " + body));
}

core::Result<WebhookSettings> validate_webhook_settings(WebhookSettings s) {
  if (!s.url.starts_with("https://") && !loopback_http(s.url))
    return core::Error::invalid("must be an https:// URL (http:// only on loopback), got '" + s.url + "'",
                                "webhook.url");
  if (s.secret.size() < 16) return core::Error::invalid("must be at least 16 bytes", "webhook.secret");
  if (s.timeout.count() <= 0) return core::Error::invalid("must be positive", "webhook.timeout_ms");
  return s;
}

WebhookConnector::WebhookConnector(WebhookSettings settings) : settings_(std::move(settings)) {}

core::Result<TransportRequest> WebhookConnector::build_notification(std::string_view event_type,
                                                                    std::string_view json_payload,
                                                                    core::TimePoint now,
                                                                    std::string_view delivery_id) const {
  if (event_type.empty()) return core::Error::invalid("must not be empty", "event_type");
  for (char c : event_type) {
    auto b = static_cast<unsigned char>(c);
    if (!(std::isalnum(b) || c == '.' || c == '_' || c == '-'))
      return core::Error::invalid("only letters, digits, '.', '_' and '-' allowed, got '" +
                                      std::string(event_type) + "'",
                                  "event_type");
  }
  auto payload = nlohmann::json::parse(json_payload, nullptr, false);
  if (payload.is_discarded() || !payload.is_object())
    return core::Error::invalid("not a JSON object: '" + std::string(json_payload.substr(0, 60)) + "'",
                                "payload");
  nlohmann::ordered_json body;
  body["event"] = event_type;
  body["sent_at"] = core::format_utc(now);
  if (!delivery_id.empty()) body["delivery_id"] = delivery_id;
  body["data"] = payload;

  TransportRequest req;
  req.kind = TransportRequest::Kind::http;
  req.method = "POST";
  req.url = settings_.url;
  req.body = core::json_text(body);
  req.timeout = settings_.timeout;
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("X-Outreach-Event", std::string(event_type));
  if (!delivery_id.empty()) req.headers.emplace_back("X-Outreach-Delivery", std::string(delivery_id));
  add_signature_headers(req.headers, settings_.secret, now, req.body);
  return req;
}

SendOutcome WebhookConnector::parse_response(const TransportResponse& response) const {
  return classify_http(response, "webhook " + settings_.name);
}

core::Status WebhookConnector::verify(const WebhookRequest& request, core::TimePoint now) const {
  return verify_v1(request.headers, request.body, settings_.secret, now);
}

}  // namespace outreach::channels
