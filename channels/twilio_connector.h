#pragma once
// Twilio Programmable Messaging (SMS) through the 2010-04-01 Messages API.
// Sends: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To, From or
// MessagingServiceSid, Body, StatusCallback; HTTP Basic auth AccountSid:AuthToken.
// Webhooks: status callbacks (MessageSid, MessageStatus, ErrorCode) and inbound SMS (MessageSid or
// SmsSid, From, Body), both form-encoded POSTs signed with X-Twilio-Signature.
// Immutable after construction; safe from any thread.

#include <string>

#include "channels/connector.h"
#include "channels/form_encoding.h"

namespace outreach::channels {

struct TwilioConfig {
  std::string base_url = "https://api.twilio.com";
  std::string account_sid;
  std::string auth_token;             // Basic auth password and the webhook signing key
  std::string from;                   // E.164 sender or alphanumeric sender id (channels/sender_id.h); or:
  std::string messaging_service_sid;  // used instead of From when set
  std::string status_callback;        // public URL of our status webhook; empty for none
};

// base64(HMAC-SHA1(auth_token, url + concatenation of name+value of the POST fields sorted by name)).
std::string twilio_signature(std::string_view auth_token, std::string_view url, const FormFields& post_fields);

class TwilioConnector final : public Connector {
 public:
  explicit TwilioConnector(TwilioConfig config);

  std::string_view provider() const override { return "twilio"; }
  // tel: addresses.
  bool can_send_to(const core::Urn& to) const override;
  core::Result<TransportRequest> build_send(const OutboundMessage& msg) const override;
  // 201 + sid -> sent; 429/5xx/no answer -> transient (Retry-After honoured); 21610 -> opted_out;
  // other 4xx -> permanent "twilio <code>: <message>".
  SendOutcome parse_send(const TransportResponse& response) const override;
  // X-Twilio-Signature over request.url and the form fields of a POST body (none for GET).
  core::Status verify_signature(const WebhookRequest& request) const override;
  core::Result<WebhookEvents> parse_webhook(const WebhookRequest& request) const override;

 private:
  TwilioConfig config_;
};

}  // namespace outreach::channels
