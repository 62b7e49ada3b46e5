#pragma once
// MessageBird (Bird) SMS REST API.
// Sends: POST {base}/messages with "Authorization: AccessKey <key>" and JSON
// {recipients:[msisdn], originator, body, reference, reportUrl?}. 201 answers carry the message id.
// Webhooks (GET query or form POST): delivery reports (id, reference, recipient, status:
// sent/buffered/delivered/expired/delivery_failed, statusErrorCode) and inbound SMS (id, originator,
// body or message). Signed with the MessageBird-Signature-JWT header: an HS256 JWT with the signing
// key; claims iss "MessageBird", nbf, exp, jti, url_hash = hex sha256(full URL) and payload_hash =
// hex sha256(body) (required when the body is non-empty). nbf/exp are checked against the clock
// given at construction with kJwtLeeway tolerance.
// Immutable after construction; safe from any thread.

#include <chrono>
#include <string>

#include "channels/connector.h"
#include "core/clock.h"

namespace outreach::channels {

struct MessageBirdConfig {
  std::string base_url = "https://rest.messagebird.com";
  std::string access_key;
  // The SMS sender: a number of at most 17 digits (a MessageBird virtual number receives replies)
  // or 1-11 letters, digits and spaces (channels/sender_id.h); make_connector refuses anything else.
  // It always wins over msg.sender_name: the campaign's sender name ("Herstelteam Rijnmond") is
  // usually longer than 11 characters, an alphanumeric sender cannot be answered while campaigns ask
  // for a JA or STOP reply, and in many countries a sender id must be registered with the provider.
  // The name reaches the person in the text's footer instead.
  std::string originator;
  std::string signing_key;  // webhook signing key (not the access key)
  std::string report_url;   // our status webhook; empty for the account default
};

inline constexpr std::chrono::seconds kJwtLeeway{5};

// Verifies a MessageBird-Signature-JWT for (url, body) at time `now`. Errors are forbidden with
// where "messagebird webhook" and messages like "jwt: bad signature", "jwt: nbf is in the future",
// "jwt: exp is in the past", "jwt: url_hash does not match", "jwt: payload_hash does not match".
core::Status verify_messagebird_jwt(std::string_view token, std::string_view url, std::string_view body,
                                    std::string_view signing_key, core::TimePoint now);

class MessageBirdConnector final : public Connector {
 public:
  // `clock` must outlive the connector.
  MessageBirdConnector(MessageBirdConfig config, const core::Clock& clock);

  std::string_view provider() const override { return "messagebird"; }
  bool can_send_to(const core::Urn& to) const override;
  core::Result<TransportRequest> build_send(const OutboundMessage& msg) const override;
  // 201 + id -> sent; 429, 503 with Retry-After, failures before the request left -> transient
  // (Retry-After honoured); no answer after the request was sent, other 5xx, a 201 without an id
  // -> ambiguous (channels/http_classify.h); other answers -> permanent
  // "messagebird <errors[0].code>: <errors[0].description>". Our `reference` is echoed in
  // delivery reports (StatusUpdate::client_ref); MessageBird does not deduplicate on it.
  SendOutcome parse_send(const TransportResponse& response) const override;
  core::Status verify_signature(const WebhookRequest& request) const override;
  core::Result<WebhookEvents> parse_webhook(const WebhookRequest& request) const override;

 private:
  MessageBirdConfig config_;
  const core::Clock& clock_;
};

}  // namespace outreach::channels
