#pragma once
// CM.com Business Messaging JSON gateway (SMS).
// Sends: POST {base}/v1.0/message with header X-CM-PRODUCTTOKEN and JSON
// {messages:{authentication:{producttoken}, msg:[{from, to:[{number}], body:{type:"auto", content},
// reference, allowedChannels:["SMS"]}]}} (shape from CM's Postman collection). CM returns no
// message id of its own: the provider id is the reference we send (OutboundMessage::client_ref).
// Webhooks:
//  - inbound (MO) JSON as in the collection's "mo-webhooks" folder: {reference, from:{number},
//    to:{number}, message:{text}, timeUtc, channel};
//  - delivery reports as GET query or form POST with REFERENCE, STATUS (0 accepted, 1 rejected,
//    2 delivered, 3 failed), STATUSDESCRIPTION, ERRORCODE (names matched case-insensitively).
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
  std::string from;           // sender (max 11 alphanumerics or a number); msg.sender_name wins if set
  std::string webhook_token;  // shared secret expected in the `token` query parameter
};

class CmConnector final : public Connector {
 public:
  explicit CmConnector(CmConfig config);

  std::string_view provider() const override { return "cm"; }
  bool can_send_to(const core::Urn& to) const override;
  core::Result<TransportRequest> build_send(const OutboundMessage& msg) const override;
  // 200 with errorCode 0 and messages[0].status "Accepted" -> sent (id = reference); 429, 5xx,
  // errorCode 999 and no answer -> transient; anything else -> permanent
  // "cm <messageErrorCode or errorCode>: <messageDetails or details>".
  SendOutcome parse_send(const TransportResponse& response) const override;
  core::Status verify_signature(const WebhookRequest& request) const override;
  core::Result<WebhookEvents> parse_webhook(const WebhookRequest& request) const override;

 private:
  CmConfig config_;
};

}  // namespace outreach::channels
