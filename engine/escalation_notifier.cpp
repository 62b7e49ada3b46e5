#include "engine/escalation_notifier.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <unordered_map>

#include "channels/webhook_connector.h"
#include "core/json_text.h"
#include "net/http_transport.h"
#include "net/asio.h"

namespace outreach::engine {

std::string escalation_notice_json(const EscalationNotice& notice) {
  if (notice.status == "open") {
    return core::json_text(nlohmann::json{{"case_id", notice.case_id}, {"municipality", notice.municipality},
                          {"owner", notice.to_owner},  {"owner_kind", notice.to_kind},
                          {"status", notice.status},   {"opened_at", core::format_utc(notice.at)}});
  }
  nlohmann::json j = {
      {"case_id", notice.case_id},       {"municipality", notice.municipality},
      {"from_owner", notice.from_owner}, {"to_owner", notice.to_owner},
      {"owner_kind", notice.to_kind},    {"status", notice.status},
      {"escalated_at", core::format_utc(notice.at)}, {"reason", notice.reason},
  };
  return core::json_text(j);
}

struct WebhookEscalationNotifier::Impl {
  Impl(asio::io_context& io, net::CurlMulti& multi, const core::Clock& c, WebhookEscalationOptions o)
      : ioc(io), clock(c), options(o), transport(multi, o.max_in_flight) {}
  asio::io_context& ioc;
  const core::Clock& clock;
  WebhookEscalationOptions options;
  std::map<std::string, channels::WebhookConnector> owners;
  net::HttpTransport transport;
  std::uint64_t next_timer = 0;
  std::unordered_map<std::uint64_t, std::unique_ptr<asio::steady_timer>> timers;  // retries waiting
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

struct WebhookEscalationNotifier::Delivery {
  const channels::WebhookConnector* connector = nullptr;
  std::string event;  // "case.opened" or "case.escalated"
  std::string payload;
  std::string delivery_id;
  std::string what;  // "case 12 -> GM0599" for logs
  int attempts = 0;
};

core::Result<std::unique_ptr<WebhookEscalationNotifier>> WebhookEscalationNotifier::create(
    asio::io_context& ioc, net::CurlMulti& multi, const core::Clock& clock,
    const std::map<std::string, OwnerNotification>& owners, WebhookEscalationOptions options) {
  if (options.max_attempts < 1) options.max_attempts = 1;
  auto impl = std::make_unique<Impl>(ioc, multi, clock, options);
  for (const auto& [code, n] : owners) {
    channels::WebhookSettings s;
    s.name = code;
    s.url = n.webhook_url;
    s.secret = n.secret;
    s.timeout = options.timeout;
    auto valid = channels::validate_webhook_settings(std::move(s));
    if (!valid) return valid.error().within("notifications." + code);
    impl->owners.emplace(code, channels::WebhookConnector(std::move(*valid)));
  }
  return std::unique_ptr<WebhookEscalationNotifier>(new WebhookEscalationNotifier(std::move(impl)));
}

WebhookEscalationNotifier::WebhookEscalationNotifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebhookEscalationNotifier::~WebhookEscalationNotifier() {
  *impl_->alive = false;
  for (auto& [id, timer] : impl_->timers) timer->cancel();
}

void WebhookEscalationNotifier::notify(const EscalationNotice& notice) {
  auto it = impl_->owners.find(notice.to_owner);
  if (it == impl_->owners.end()) {
    spdlog::debug("escalation notify: case {} -> {}: no notification configured for this owner", notice.case_id,
                  notice.to_owner);
    return;
  }
  auto d = std::make_shared<Delivery>();
  d->connector = &it->second;
  d->payload = escalation_notice_json(notice);
  d->event = notice.status == "open" ? "case.opened" : "case.escalated";
  d->delivery_id = (notice.status == "open" ? "case-" : "escalation-") + std::to_string(notice.case_id) + "-" + notice.status;
  d->what = "case " + std::to_string(notice.case_id) + " -> " + notice.to_owner;
  ++pending_;
  attempt(std::move(d));
}

void WebhookEscalationNotifier::attempt(std::shared_ptr<Delivery> d) {
  ++d->attempts;
  auto request = d->connector->build_notification(d->event, d->payload, impl_->clock.now(), d->delivery_id);
  if (!request) {  // cannot happen for our own payload; never retried
    --pending_;
    ++failed_;
    spdlog::warn("escalation notify: {}: build_notification: {}", d->what, request.error().what());
    return;
  }
  impl_->transport.execute(std::move(*request), [this, d](channels::TransportResponse response) {
    channels::SendOutcome outcome = d->connector->parse_response(response);
    if (outcome.verdict == channels::SendVerdict::sent) {
      --pending_;
      ++delivered_;
      spdlog::info("escalation notify: {}: delivered (attempt {})", d->what, d->attempts);
      return;
    }
    // An ambiguous answer is retried too: the notice carries X-Outreach-Delivery, on which
    // receivers deduplicate (channels/webhook_connector.h), so the retry is safe.
    const bool may_retry = outcome.verdict == channels::SendVerdict::transient ||
                           outcome.verdict == channels::SendVerdict::ambiguous;
    const bool retry = may_retry && d->attempts < impl_->options.max_attempts;
    spdlog::warn("escalation notify: {}: POST webhook failed (attempt {}/{}): {}{}", d->what, d->attempts,
                 impl_->options.max_attempts, outcome.reason, retry ? "; retrying" : "; giving up");
    if (!retry) {
      --pending_;
      ++failed_;
      return;
    }
    const std::uint64_t id = impl_->next_timer++;
    auto& timer = impl_->timers[id];
    timer = std::make_unique<asio::steady_timer>(impl_->ioc, impl_->options.retry_delay);
    timer->async_wait([this, d, id, alive = std::weak_ptr<bool>(impl_->alive)](error_code ec) {
      auto a = alive.lock();
      if (!a || !*a) return;
      impl_->timers.erase(id);
      if (ec) return;
      attempt(d);
    });
  });
}

}  // namespace outreach::engine
