#pragma once
// Tells a case's new owner that the Escalator moved the case to it (issue: "each escalation is
// visible to its new owner and notified to it"), and a municipality that a resident's case was
// opened for it ("case.opened": a notice with status "open").
//
// The notice carries no personal data: only the case id and the municipality code. The owner
// fetches the details through the authenticated API.
//
// WebhookEscalationNotifier POSTs a signed "case.escalated" webhook (channels::WebhookConnector,
// outreach v1 signature) to the owner's configured URL, asynchronously on a net::HttpTransport.
// Owners without a configured webhook are skipped (debug log). A transient failure (no answer,
// 408/425/429/5xx) is retried up to `max_attempts` in total, `retry_delay` apart, with a fresh
// signature each time and the same X-Outreach-Delivery id (receivers dedupe on it); a permanent
// failure or the last attempt is logged as a warning. notify() never blocks and never throws, so
// a notification can never fail or delay the escalation itself. Notices are not persisted: the
// ones still pending when the engine stops are dropped (the case is visible through the API).
//
// Threading: use on the io_context thread that runs `multi`. `ioc`, `multi` and `clock` must
// outlive the notifier; destroying it drops pending retries and responses.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "engine/engine_config.h"

namespace boost::asio {
class io_context;
}

namespace outreach::net {
class CurlMulti;
}  // namespace outreach::net

namespace outreach::engine {


struct EscalationNotice {
  std::int64_t case_id = 0;
  std::string municipality;  // CBS code of the case's municipality, e.g. GM0606
  std::string from_owner;    // owner code before the move
  std::string to_owner;      // owner code after the move: a CBS code or the fallback owner name
  std::string to_kind;       // "hub" or "fallback"
  std::string status;        // "escalated_hub" or "escalated_fallback"
  core::TimePoint at{};
  std::string reason;        // "no_municipal_action"
};

class EscalationNotifier {
 public:
  virtual ~EscalationNotifier() = default;
  // Must not block or throw; called on the escalator's thread after the move was committed.
  virtual void notify(const EscalationNotice& notice) = 0;
};

// The webhook's "data" object: {"case_id", "municipality", "from_owner", "to_owner", "owner_kind",
// "status", "escalated_at" (UTC), "reason"}; for a new case (status "open"): {"case_id",
// "municipality", "owner", "owner_kind", "status", "opened_at"}.
std::string escalation_notice_json(const EscalationNotice& notice);

struct WebhookEscalationOptions {
  int max_attempts = 3;
  std::chrono::milliseconds retry_delay{std::chrono::seconds(30)};
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  std::size_t max_in_flight = 8;
};

class WebhookEscalationNotifier final : public EscalationNotifier {
 public:
  // Errors: an owner's webhook fails channels::validate_webhook_settings (the message names the
  // owner, e.g. "notifications.GM0599: webhook.secret: ...").
  static core::Result<std::unique_ptr<WebhookEscalationNotifier>> create(
      boost::asio::io_context& ioc, net::CurlMulti& multi, const core::Clock& clock,
      const std::map<std::string, OwnerNotification>& owners, WebhookEscalationOptions options = {});
  ~WebhookEscalationNotifier() override;
  WebhookEscalationNotifier(const WebhookEscalationNotifier&) = delete;
  WebhookEscalationNotifier& operator=(const WebhookEscalationNotifier&) = delete;

  void notify(const EscalationNotice& notice) override;

  // Counters for tests and logs.
  int delivered() const { return delivered_; }
  int failed() const { return failed_; }    // gave up (permanent failure or attempts exhausted)
  int pending() const { return pending_; }  // in flight or waiting for a retry

 private:
  struct Impl;
  struct Delivery;
  explicit WebhookEscalationNotifier(std::unique_ptr<Impl> impl);
  void attempt(std::shared_ptr<Delivery> d);

  std::unique_ptr<Impl> impl_;
  int delivered_ = 0;
  int failed_ = 0;
  int pending_ = 0;
};

}  // namespace outreach::engine
