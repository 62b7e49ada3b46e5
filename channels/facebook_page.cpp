#include "channels/facebook_page.h"

#include <nlohmann/json.hpp>

#include "channels/form_encoding.h"
#include "channels/whatsapp_connector.h"

namespace outreach::channels {

FacebookPage::FacebookPage(FacebookPageConfig config) : config_(std::move(config)) {
  while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
}

core::Result<TransportRequest> FacebookPage::build_send(const OutboundMessage& msg) const {
  if (can_send_to(msg.to)) return build_post(msg.text);
  return core::Error{core::ErrorCode::permanent, "a page post is not a per-contact message; use build_post",
                     "facebook_page"};
}

SendOutcome FacebookPage::parse_send(const TransportResponse& response) const {
  auto id = parse_post(response);
  if (id) return SendOutcome{SendVerdict::sent, *id, {}, std::nullopt};
  return classify_graph_error(response, "facebook_page");
}

core::Status FacebookPage::verify_signature(const WebhookRequest&) const {
  return core::Error::forbidden("the page connector receives no webhooks", "facebook_page webhook");
}

core::Result<WebhookEvents> FacebookPage::parse_webhook(const WebhookRequest&) const {
  return core::Error::forbidden("the page connector receives no webhooks", "facebook_page webhook");
}

core::Result<TransportRequest> FacebookPage::build_post(const std::string& text) const {
  if (text.empty()) return core::Error::invalid("post text is empty", "facebook_page");
  TransportRequest req;
  req.url = config_.base_url + "/" + config_.version + "/" + percent_encode(config_.page_id) + "/feed";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = form_encode({{"message", text}, {"access_token", config_.page_access_token}});
  return req;
}

core::Result<std::string> FacebookPage::parse_post(const TransportResponse& response) const {
  if (response.status == 200) {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("id") && body["id"].is_string()) return body["id"].get<std::string>();
  }
  SendOutcome o = classify_graph_error(response, "facebook_page");
  if (response.status == 200) o.reason = "facebook_page: 200 without a post id";
  return core::Error{o.verdict == SendVerdict::transient ? core::ErrorCode::transient : core::ErrorCode::permanent,
                     o.reason, "facebook_page"};
}

}  // namespace outreach::channels
