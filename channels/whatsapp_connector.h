#pragma once
// WhatsApp Business Cloud API (Graph v23.0, spec meta_business-messaging-api_v23.0.yaml).
// Sends: POST {base}/{version}/{phone_number_id}/messages with a Bearer token and JSON. Inside the
// 24-hour customer-service window (msg.now - msg.last_inbound_at < 24 h) the text goes as
// type "text"; outside it only the configured template (msg.template_name, language from
// msg.language, body parameters msg.template_params), or else WhatsAppConfig::default_template
// with the rendered text as its one parameter, may be sent; without either build_send refuses with a
// permanent error.
// Webhooks: POST with entry[].changes[].value.statuses[] and .messages[], signed with
// X-Hub-Signature-256; GET verification handshake (hub.mode=subscribe, hub.verify_token,
// hub.challenge) answered through WebhookEvents::reply_body.
// Immutable after construction; safe from any thread.

#include <chrono>
#include <string>

#include "channels/connector.h"

namespace outreach::channels {

struct WhatsAppConfig {
  std::string base_url = "https://graph.facebook.com";
  std::string version = "v23.0";
  std::string phone_number_id;
  std::string access_token;
  std::string app_secret;    // X-Hub-Signature-256 key
  std::string verify_token;  // GET handshake token
  // An approved template whose body is one text parameter ({{1}}), sent outside the 24-hour window
  // when the message names no template of its own (the engine renders campaign text, it names no
  // WhatsApp templates): {{1}} carries the rendered text with its whitespace runs collapsed to one
  // space, since Meta refuses new lines, tabs and more than four spaces in a parameter. Empty: none.
  std::string default_template;
};

inline constexpr std::chrono::hours kCustomerServiceWindow{24};

// Meta's webhook signature: header "sha256=" + hex(HMAC-SHA256(app_secret, raw body)).
// forbidden when missing, malformed or different. Shared by WhatsApp and Messenger.
core::Status verify_hub_signature(const WebhookRequest& request, std::string_view app_secret,
                                  std::string_view where);
// Meta's GET subscription handshake: hub.mode=subscribe and hub.verify_token equal to `verify_token`
// (constant time) -> hub.challenge; anything else forbidden.
core::Result<std::string> hub_challenge(const WebhookRequest& request, std::string_view verify_token,
                                        std::string_view where);
// Classifies a Graph API error answer ({"error":{"code","message",...}}) for `provider`.
SendOutcome classify_graph_error(const TransportResponse& response, std::string_view provider);

class WhatsAppConnector final : public Connector {
 public:
  explicit WhatsAppConnector(WhatsAppConfig config);

  std::string_view provider() const override { return "whatsapp"; }
  // whatsapp: addresses.
  bool can_send_to(const core::Urn& to) const override;
  core::Result<TransportRequest> build_send(const OutboundMessage& msg) const override;
  // 200 + messages[0].id -> sent. Errors by Graph code: 131050 -> opted_out; 130429, 131056, 4,
  // 80007, 1, 2, 131000, 133004 and is_transient -> transient, as are 429, 503 with Retry-After
  // and failures before the request left; no answer after it was sent, other 5xx without such a
  // code and a 200 without an id -> ambiguous (channels/http_classify.h); other codes (131026,
  // 131047, 131051, 470, 100, ...) -> permanent "whatsapp <code>: <message>".
  // Sends our client_ref as biz_opaque_callback_data on template messages (the spec allows it only
  // there), which Meta echoes in status webhooks (it does not deduplicate on it).
  // Checked against copies of Meta's error table (the official page is
  // https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes):
  // https://docs.ycloud.com/en/api-reference/guides/whatsapp-platform/handle-whatsapp-errors
  // (130429 throughput "rate limit hit", 131000 "something went wrong, try again", 131026
  // undeliverable: not on WhatsApp, old client or terms not accepted), https://learn.turn.io/l/en/
  // article/ik2v3vgiif-why-am-i-seeing-error-code-131056 (131056 "(Business Account, Consumer
  // Account) pair rate limit hit": wait and retry that number), and https://help.hello-charles.com/
  // en/articles/304905-understanding-whatsapp-error-codes (131047 re-engagement: more than 24 h
  // since the person's last message, send a template; 131050 the person stopped marketing
  // messages from this business; 131049 Meta chose not to deliver, per-user marketing limit).
  // 131049 and 131048 (spam rate limit) stay permanent here on purpose: the step falls back to
  // its next channel instead of retrying WhatsApp for this person.
  SendOutcome parse_send(const TransportResponse& response) const override;
  // POST: X-Hub-Signature-256. GET: the handshake's verify token.
  core::Status verify_signature(const WebhookRequest& request) const override;
  core::Result<WebhookEvents> parse_webhook(const WebhookRequest& request) const override;

 private:
  WhatsAppConfig config_;
};

}  // namespace outreach::channels
