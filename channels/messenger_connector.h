#pragma once
// Facebook Messenger Send API for a Page.
// Sends: POST {base}/{version}/me/messages with the page access token as a Bearer header, JSON
// {recipient:{id}, messaging_type:"RESPONSE", message:{text}}. Only inside the 24-hour window after
// the person's last message (msg.last_inbound_at); outside it build_send refuses (permanent): this
// connector sends no message tags or templates.
// Webhooks: POST {object:"page", entry[].messaging[]} with message (mid, text) and delivery (mids)
// events, signed with X-Hub-Signature-256; GET verification handshake as for WhatsApp.
// Immutable after construction; safe from any thread.

#include <string>

#include "channels/connector.h"

namespace outreach::channels {

struct MessengerConfig {
  std::string base_url = "https://graph.facebook.com";
  std::string version = "v23.0";
  std::string page_access_token;
  std::string app_secret;
  std::string verify_token;
};

class MessengerConnector final : public Connector {
 public:
  explicit MessengerConnector(MessengerConfig config);

  std::string_view provider() const override { return "messenger"; }
  // messenger: addresses (page-scoped ids).
  bool can_send_to(const core::Urn& to) const override;
  core::Result<TransportRequest> build_send(const OutboundMessage& msg) const override;
  // 200 + message_id -> sent (else ambiguous); Graph errors as classify_graph_error (rate limits
  // 4/17/32/613 transient).
  SendOutcome parse_send(const TransportResponse& response) const override;
  core::Status verify_signature(const WebhookRequest& request) const override;
  // message -> inbound (id = mid); delivery -> delivered per mid. "read" events carry only a
  // watermark (no message ids) and are not reported.
  core::Result<WebhookEvents> parse_webhook(const WebhookRequest& request) const override;

 private:
  MessengerConfig config_;
};

}  // namespace outreach::channels
