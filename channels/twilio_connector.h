#pragma once
// Twilio Programmable Messaging (SMS) through the 2010-04-01 Messages API.
// Sends: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To, From or
// MessagingServiceSid, Body, StatusCallback; HTTP Basic auth AccountSid:AuthToken. Twilio has no
// idempotency key for messages, so our reference rides in the StatusCallback URL
// (`?ref=<client_ref>`): a status callback then finds a row whose answer we never recorded.
// Webhooks: status callbacks (MessageSid, MessageStatus, ErrorCode; our `ref` from the URL) and inbound SMS (MessageSid or
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
  // 201 + sid -> sent; 21610 -> opted_out; 429, 503 (documented as not serviced) and failures
  // before the request left -> transient (Retry-After honoured); no answer after the request was
  // sent, 500/502/504, a 201 without a sid -> ambiguous; other 4xx -> permanent
  // "twilio <code>: <message>" (channels/http_classify.h).
  SendOutcome parse_send(const TransportResponse& response) const override;
  // The StatusCallback URL for one message: the configured one with `ref=<client_ref>` added.
  std::string status_callback_for(const std::string& client_ref) const;
  static constexpr std::string_view kRefParam = "ref";
  // X-Twilio-Signature over request.url and the form fields of a POST body (none for GET).
  core::Status verify_signature(const WebhookRequest& request) const override;
  core::Result<WebhookEvents> parse_webhook(const WebhookRequest& request) const override;

 private:
  TwilioConfig config_;
  std::string messages_url_;  // the Messages resource of config_.account_sid, built once
};

}  // namespace outreach::channels
