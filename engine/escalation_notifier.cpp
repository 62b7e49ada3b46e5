#include "engine/escalation_notifier.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "channels/webhook_connector.h"
#include "core/json_text.h"
#include "net/http_transport.h"
#include "net/asio.h"
#include "storage/notice_queue.h"

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

std::string escalation_delivery_id(const EscalationNotice& notice) {
  if (notice.status == "open") return "case-" + std::to_string(notice.case_id) + "-open";
  return "escalation-" + std::to_string(notice.case_id) + "-" + notice.status + "-" +
         std::to_string(core::to_millis(notice.at));
}

struct WebhookEscalationNotifier::Impl {
  Impl(asio::io_context& io, net::CurlMulti& multi, const core::Clock& c, storage::Database& d,
       WebhookEscalationOptions o)
      : ioc(io), clock(c), db(d), queue(d), options(o), transport(multi, o.max_in_flight), timer(io) {}
  asio::io_context& ioc;
  const core::Clock& clock;
  storage::Database& db;
  storage::NoticeQueue queue;
  WebhookEscalationOptions options;
  std::map<std::string, channels::WebhookConnector> owners;
  std::map<std::string, bool> dedupes;  // owner -> whether its receiver dedupes on the delivery id
  net::HttpTransport transport;
  asio::steady_timer timer;
  std::size_t in_flight = 0;
  bool started = false;
  bool stopped = false;
  bool pump_posted = false;
  const Leadership* leadership = nullptr;
  bool recovered = false;  // since this engine last took the lead
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

core::Result<std::unique_ptr<WebhookEscalationNotifier>> WebhookEscalationNotifier::create(
    asio::io_context& ioc, net::CurlMulti& multi, const core::Clock& clock, storage::Database& db,
    const std::map<std::string, OwnerNotification>& owners, WebhookEscalationOptions options) {
  if (options.max_attempts < 1) options.max_attempts = 1;
  if (options.max_in_flight < 1) options.max_in_flight = 1;
  auto impl = std::make_unique<Impl>(ioc, multi, clock, db, options);
  for (const auto& [code, n] : owners) {
    channels::WebhookSettings s;
    s.name = code;
    s.url = n.webhook_url;
    s.secret = n.secret;
    s.timeout = options.timeout;
    auto valid = channels::validate_webhook_settings(std::move(s));
    if (!valid) return valid.error().within("notifications." + code);
    impl->owners.emplace(code, channels::WebhookConnector(std::move(*valid)));
    impl->dedupes[code] = n.dedupe;
  }
  return std::unique_ptr<WebhookEscalationNotifier>(new WebhookEscalationNotifier(std::move(impl)));
}

WebhookEscalationNotifier::WebhookEscalationNotifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebhookEscalationNotifier::~WebhookEscalationNotifier() {
  *impl_->alive = false;
  impl_->timer.cancel();
}

int WebhookEscalationNotifier::pending() const {
  auto counts = impl_->queue.count_by_status();
  return static_cast<int>(counts["pending"] + counts["sending"]);
}

void WebhookEscalationNotifier::notify(const EscalationNotice& notice) {
  auto it = impl_->owners.find(notice.to_owner);
  if (it == impl_->owners.end()) {
    spdlog::debug("escalation notify: case {} -> {}: no notification configured for this owner", notice.case_id,
                  notice.to_owner);
    return;
  }
  storage::Notice n;
  n.case_id = notice.case_id;
  n.event = notice.status == "open" ? "case.opened" : "case.escalated";
  n.delivery_id = escalation_delivery_id(notice);
  n.owner = notice.to_owner;
  n.payload = escalation_notice_json(notice);
  auto cfg = impl_->dedupes.find(notice.to_owner);
  n.receiver_dedupes = cfg == impl_->dedupes.end() || cfg->second;
  n.due_at = impl_->clock.now();
  auto added = impl_->queue.enqueue(n, impl_->clock.now());
  if (!added) {
    spdlog::error("escalation notify: case {} -> {}: {}", notice.case_id, notice.to_owner, added.error().what());
    return;
  }
  // Posted: the caller's transaction (the case's move) commits before the notice is marked sending.
  if (impl_->pump_posted || impl_->stopped) return;
  impl_->pump_posted = true;
  asio::post(impl_->ioc, [this, alive = std::weak_ptr<bool>(impl_->alive)] {
    if (alive.expired()) return;
    impl_->pump_posted = false;
    run_due(impl_->clock.now());
  });
}

void WebhookEscalationNotifier::start() {
  impl_->started = true;
  impl_->stopped = false;
  run_due(impl_->clock.now());
}

void WebhookEscalationNotifier::set_leadership(const Leadership* leadership) { impl_->leadership = leadership; }

void WebhookEscalationNotifier::recover() {
  auto r = impl_->queue.recover(impl_->clock.now());
  if (!r) {
    spdlog::error("escalation notify: {}", r.error().what());
    return;
  }
  impl_->recovered = true;
  if (r->requeued + r->unknown > 0)
    spdlog::warn("escalation notify: {} notice(s) in flight when the engine stopped: {} sent again (same delivery id), "
                 "{} unknown (receiver cannot dedupe)", r->requeued + r->unknown, r->requeued, r->unknown);
}

void WebhookEscalationNotifier::stop() {
  impl_->stopped = true;
  impl_->timer.cancel();
}

int WebhookEscalationNotifier::run_due(core::TimePoint now) {
  if (impl_->stopped) return 0;
  if (!may_run(impl_->leadership)) {
    // Another engine sends the notices; look again when this one may have taken the lead.
    impl_->recovered = false;
    arm(std::chrono::milliseconds(2000));
    return 0;
  }
  // What the engine that led before left in flight (it stopped or died), once per taking the lead.
  if (!impl_->recovered) recover();
  int started = 0;
  if (impl_->in_flight < impl_->options.max_in_flight) {
    // One look per call: the next answer or the timer looks again.
    auto due = impl_->queue.due(now, static_cast<int>(impl_->options.max_in_flight - impl_->in_flight));
    if (!due) spdlog::error("escalation notify: {}", due.error().what());
    else for (const auto& n : *due) {
      attempt(n);
      ++started;
    }
  }
  arm();
  return started;
}

void WebhookEscalationNotifier::arm(std::optional<std::chrono::milliseconds> fixed) {
  if (impl_->stopped) return;
  auto next = fixed ? std::nullopt : impl_->queue.next_due();
  auto wait = fixed.value_or(std::chrono::milliseconds(60000));
  if (next) {
    auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - impl_->clock.now());
    wait = std::clamp(until, std::chrono::milliseconds(10), wait);
  }
  impl_->timer.expires_after(wait);
  impl_->timer.async_wait([this, alive = std::weak_ptr<bool>(impl_->alive)](error_code ec) {
    if (ec || alive.expired() || impl_->stopped) return;
    run_due(impl_->clock.now());
  });
}

void WebhookEscalationNotifier::attempt(const storage::Notice& n) {
  auto& q = impl_->queue;
  const std::string what = "case " + std::to_string(n.case_id) + " -> " + n.owner;
  auto owner = impl_->owners.find(n.owner);
  const auto now = impl_->clock.now();
  // Marked and committed before the request leaves (storage/notice_queue.h, invariant 2).
  auto marked = q.mark_sending(n.id, now);
  if (!marked || !*marked) {
    if (!marked) spdlog::error("escalation notify: {}: {}", what, marked.error().what());
    return;
  }
  if (owner == impl_->owners.end()) {  // the configuration no longer names this owner
    (void)q.mark_failed(n.id, "no notification configured for owner " + n.owner, now);
    ++failed_;
    return;
  }
  const channels::WebhookConnector* connector = &owner->second;
  auto request = connector->build_notification(n.event, n.payload, now, n.delivery_id);
  if (!request) {  // cannot happen for our own payload; never retried
    (void)q.mark_failed(n.id, request.error().what(), now);
    ++failed_;
    spdlog::warn("escalation notify: {}: build_notification: {}", what, request.error().what());
    return;
  }
  ++impl_->in_flight;
  const int attempts = n.attempts + 1;
  const std::int64_t id = n.id;
  impl_->transport.execute(std::move(*request), [this, connector, id, attempts, what,
                                                 alive = std::weak_ptr<bool>(impl_->alive)](channels::TransportResponse response) {
    if (alive.expired()) return;
    --impl_->in_flight;
    auto& q = impl_->queue;
    const auto at = impl_->clock.now();
    channels::SendOutcome outcome = connector->parse_response(response);
    if (outcome.verdict == channels::SendVerdict::sent) {
      if (auto st = q.mark_delivered(id, at); !st) spdlog::error("escalation notify: {}: {}", what, st.error().what());
      ++delivered_;
      spdlog::info("escalation notify: {}: delivered (attempt {})", what, attempts);
    } else {
      // An ambiguous answer is retried too: the notice carries X-Outreach-Delivery, on which
      // receivers deduplicate (channels/webhook_connector.h), so the retry is safe.
      const bool may_retry = outcome.verdict == channels::SendVerdict::transient ||
                             outcome.verdict == channels::SendVerdict::ambiguous;
      const bool retry = may_retry && attempts < impl_->options.max_attempts;
      spdlog::warn("escalation notify: {}: POST webhook failed (attempt {}/{}): {}{}", what, attempts,
                   impl_->options.max_attempts, outcome.reason, retry ? "; retrying" : "; giving up");
      if (retry) {
        const auto delay = impl_->options.retry_delay * (1LL << std::min(attempts - 1, 16));
        if (auto st = q.mark_retry(id, at + delay, outcome.reason, at); !st)
          spdlog::error("escalation notify: {}: {}", what, st.error().what());
      } else {
        if (auto st = q.mark_failed(id, outcome.reason, at); !st) spdlog::error("escalation notify: {}: {}", what, st.error().what());
        ++failed_;
      }
    }
    run_due(at);
  });
}

}  // namespace outreach::engine
