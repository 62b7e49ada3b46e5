#pragma once
// Posts generic campaign text (no personal data) to a Facebook Page feed:
// POST {base}/{version}/{page_id}/feed with form fields message and access_token.
// Not a per-contact channel: it sends only to a page: URN (core::Urn::page, the campaign post
// publisher's address), where build_send is build_post of the message text; any other address is
// refused, so a personal message can never reach the page. It receives no webhooks. Immutable after
// construction; safe from any thread.

#include <string>

#include "channels/connector.h"

namespace outreach::channels {

struct FacebookPageConfig {
  std::string base_url = "https://graph.facebook.com";
  std::string version = "v23.0";
  std::string page_id;
  std::string page_access_token;
};

class FacebookPage final : public Connector {
 public:
  explicit FacebookPage(FacebookPageConfig config);

  std::string_view provider() const override { return "facebook_page"; }
  bool can_send_to(const core::Urn& to) const override { return to.scheme() == core::UrnScheme::page; }
  core::Result<TransportRequest> build_send(const OutboundMessage& msg) const override;
  SendOutcome parse_send(const TransportResponse& response) const override;
  core::Status verify_signature(const WebhookRequest& request) const override;
  core::Result<WebhookEvents> parse_webhook(const WebhookRequest& request) const override;

  // Requires: text is non-empty generic content.
  core::Result<TransportRequest> build_post(const std::string& text) const;
  // The new post's id ("<page_id>_<post_id>"), or the Graph error classified as a SendOutcome
  // reason inside an Error (transient or permanent code).
  core::Result<std::string> parse_post(const TransportResponse& response) const;

 private:
  FacebookPageConfig config_;
};

}  // namespace outreach::channels
