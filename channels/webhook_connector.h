#pragma once
// Signed JSON webhooks to systems outside the engine (a municipality's case system, an
// intermediary organisation), and the verification of their signed calls back to us.
//
// The outreach v1 signature scheme (both directions):
//   X-Outreach-Timestamp: <unix seconds>
//   X-Outreach-Signature: v1=<lower-case hex HMAC-SHA256(secret, timestamp + "." + body)>
// A receiver recomputes the HMAC over the exact body bytes, compares in constant time and
// refuses timestamps more than 5 minutes away from its own clock (replay protection). Several
// comma-separated "v1=" values are accepted so a secret can be rotated.
// Everything here is pure; WebhookConnector is immutable and safe from any thread.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "channels/connector.h"
#include "core/clock.h"
#include "core/error.h"

namespace outreach::channels {

inline constexpr std::string_view kTimestampHeader = "X-Outreach-Timestamp";
inline constexpr std::string_view kSignatureHeader = "X-Outreach-Signature";
inline constexpr std::chrono::seconds kSignatureTolerance{300};

// "v1=<hex>" for the given unix timestamp and body.
std::string sign_v1(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

// Adds X-Outreach-Timestamp and X-Outreach-Signature for `now` to `headers`.
void add_signature_headers(Headers& headers, std::string_view secret, core::TimePoint now,
                           std::string_view body);

// Checks a signed request. Errors (ErrorCode::unauthorized), whole messages:
//   "X-Outreach-Timestamp: missing", "X-Outreach-Timestamp: not a unix time: 'abc'",
//   "X-Outreach-Timestamp: 600 s away from now (limit 300 s)", "X-Outreach-Signature: missing",
//   "X-Outreach-Signature: no v1 signature", "X-Outreach-Signature: does not match".
core::Status verify_v1(const Headers& headers, std::string_view body, std::string_view secret,
                       core::TimePoint now, std::chrono::seconds tolerance = kSignatureTolerance);

// HTTP answer classification for webhook POSTs (channels/http_classify.h): 2xx sent; 408/425/429,
// 503 with Retry-After and failures before the request left transient (Retry-After honoured); no
// answer after the request was sent and other 5xx ambiguous; other 4xx permanent.
SendOutcome classify_http(const TransportResponse& response, std::string_view who);

struct WebhookSettings {
  std::string name;    // whose system, e.g. "GM0599": used in send reasons
  std::string url;     // https://... (http:// allowed only for loopback hosts, for tests)
  std::string secret;  // shared HMAC secret, at least 16 bytes
  std::chrono::milliseconds timeout{10000};
};

// Errors name the key: "webhook.url: ...", "webhook.secret: ...".
core::Result<WebhookSettings> validate_webhook_settings(WebhookSettings settings);

class WebhookConnector {
 public:
  // Requires: settings passed validate_webhook_settings.
  explicit WebhookConnector(WebhookSettings settings);

  // POST {"event": event_type, "sent_at": "<UTC>", "delivery_id": "...", "data": <payload>} with
  // Content-Type application/json, X-Outreach-Event, X-Outreach-Delivery (when delivery_id is
  // set; receivers dedupe on it) and the signature headers. The payload must be a JSON object.
  // Errors: "event_type: ..." or "payload: not a JSON object: ...".
  core::Result<TransportRequest> build_notification(std::string_view event_type,
                                                    std::string_view json_payload, core::TimePoint now,
                                                    std::string_view delivery_id = {}) const;
  SendOutcome parse_response(const TransportResponse& response) const;
  // Verifies a call back from the same system (same secret and scheme).
  core::Status verify(const WebhookRequest& request, core::TimePoint now) const;

  const WebhookSettings& settings() const { return settings_; }

 private:
  WebhookSettings settings_;
};

}  // namespace outreach::channels
