#pragma once
// CM.com Business Messaging JSON gateway (SMS).
// Sends: POST {base}/v1.0/message with header X-CM-PRODUCTTOKEN and JSON
// {messages:{authentication:{producttoken}, msg:[{from, to:[{number}], body:{type:"auto", content},
// reference, allowedChannels:["SMS"]}]}} (shape from CM's Postman collection). Numbers go as CM asks:
// "00", country code, number, no '+' ("0031612345678";
// https://developers.cm.com/messaging/docs/shared-features). CM returns no message id of its own:
// the provider id is the reference we send (OutboundMessage::client_ref). CM answers per message
// (https://developers.cm.com/messaging/docs/responses-errors-json): {details, errorCode,
// messages:[{to, status: "Accepted"|"Rejected", reference, parts, messageDetails, messageErrorCode}]};
// a request with one accepted and one rejected msg is 200 with errorCode 201, so the message's own
// status decides, not the top-level errorCode.
// Webhooks:
//  - inbound (MO) JSON as in the collection's "mo-webhooks" folder: {reference, from:{number},
//    to:{number}, message:{text}, timeUtc, channel};
//  - status reports (https://developers.cm.com/messaging/docs/incoming-status-report), POSTed as
//    JSON {messages:{msg:{received, to, reference, status:{code, errorCode, errorDescription},
//    operator}}} (configure the JSON format in CM's Channels app; the XML variant is not read), or
//    the older GET query / form with the same fields as REFERENCE, STATUS, STATUSDESCRIPTION (the
//    error code) and STANDARDERRORTEXT (its text), names matched case-insensitively. Status codes:
//    0 accepted, 1 rejected, 2 delivered, 3 failed (from memory of the old docs.cmtelecom.com page;
//    the pages found while checking did not list them).
// CM signs nothing, so verify_signature checks a shared secret we put in the callback URLs we give
// CM: the query parameter `token` (compared in constant time). Configure the webhook URLs in CM as
// https://<host>/webhooks/cm?token=<webhook_token>.
// Immutable after construction; safe from any thread.

#include <string>

#include "channels/connector.h"

namespace outreach::channels {

struct CmConfig {
  std::string base_url = "https://gw.cmtelecom.com";
  std::string product_token;
  // The SMS sender: a number of at most 16 digits or 1-11 letters, digits and spaces
  // (channels/sender_id.h); make_connector refuses anything else. It always wins over
  // msg.sender_name, for the reasons given at MessageBirdConfig::originator.
  std::string from;
  std::string webhook_token;  // shared secret expected in the `token` query parameter
};

class CmConnector final : public Connector {
 public:
  explicit CmConnector(CmConfig config);

  std::string_view provider() const override { return "cm"; }
  bool can_send_to(const core::Urn& to) const override;
  core::Result<TransportRequest> build_send(const OutboundMessage& msg) const override;
  // 200 with errorCode 0 and messages[0].status "Accepted" -> sent (id = reference); 429, 503 with
  // Retry-After and failures before the request left -> transient; errorCode 999 (unknown error),
  // no answer after the request was sent, other 5xx, a 200 without messages -> ambiguous
  // (channels/http_classify.h); anything else -> permanent
  // "cm <messageErrorCode or errorCode>: <messageDetails or details>".
  SendOutcome parse_send(const TransportResponse& response) const override;
  core::Status verify_signature(const WebhookRequest& request) const override;
  core::Result<WebhookEvents> parse_webhook(const WebhookRequest& request) const override;

 private:
  CmConfig config_;
};

}  // namespace outreach::channels
