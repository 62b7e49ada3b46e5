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
// Owners without a configured webhook are skipped (debug log). Notices are durable
// (storage/notice_queue.h): notify() writes the notice into the queue, in the caller's transaction
// when there is one (the Escalator's move), and the notifier sends what is due from the queue. A
// transient failure (no answer, 408/425/429/5xx) is retried up to `max_attempts` in total, after
// `retry_delay`, doubling each time, with a fresh signature and the same X-Outreach-Delivery id;
// a permanent failure or the last attempt makes the notice `failed` (a warning in the log). A
// notice still waiting when the engine stops goes out after the restart (start()); one that was
// in flight is sent again with the same delivery id, which receivers dedupe on, unless the owner
// is configured with `dedupe: false`: then it becomes `unknown` and is not sent twice. notify()
// never blocks and never throws, so a notification can never fail or delay the escalation.
//
// Threading: use on the io_context thread that runs `multi`. `ioc`, `multi`, `clock` and `db`
// must outlive the notifier; destroying it drops responses in flight (their notices stay
// `sending` until the next start()).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "engine/engine_config.h"
#include "engine/leadership.h"

namespace boost::asio {
class io_context;
}

namespace outreach::net {
class CurlMulti;
}  // namespace outreach::net

namespace outreach::storage {
class Database;
struct Notice;
}

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

// The id a notice is queued and delivered under (X-Outreach-Delivery), which receivers dedupe on:
// "case-12-open" for a new case, which opens once (a reopen queues its own notice), and
// "escalation-12-escalated_hub-<ms>" for a move. The move's time is part of it because a case
// reopened and escalated again makes the same move a second time, and that is a second notice;
// the escalator's compare-and-set makes one move per case, status and moment.
std::string escalation_delivery_id(const EscalationNotice& notice);

struct WebhookEscalationOptions {
  int max_attempts = 3;
  std::chrono::milliseconds retry_delay{std::chrono::seconds(30)};  // doubles with each attempt
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  std::size_t max_in_flight = 8;
};

class WebhookEscalationNotifier final : public EscalationNotifier {
 public:
  // Errors: an owner's webhook fails channels::validate_webhook_settings (the message names the
  // owner, e.g. "notifications.GM0599: webhook.secret: ...").
  static core::Result<std::unique_ptr<WebhookEscalationNotifier>> create(
      boost::asio::io_context& ioc, net::CurlMulti& multi, const core::Clock& clock, storage::Database& db,
      const std::map<std::string, OwnerNotification>& owners, WebhookEscalationOptions options = {});
  ~WebhookEscalationNotifier() override;
  WebhookEscalationNotifier(const WebhookEscalationNotifier&) = delete;
  WebhookEscalationNotifier& operator=(const WebhookEscalationNotifier&) = delete;

  // Queues the notice (once per case and event) and sends it soon, on the io_context.
  void notify(const EscalationNotice& notice) override;

  // Sends what is due, and keeps doing so (a timer) until stop(). Before its first send, and again
  // each time this engine takes the lead, it recovers the notices left in flight by the engine
  // that sent before (Requires: that engine is gone: on SQLite the engine lock, on PostgreSQL the
  // leadership says so).
  void start();
  // Optional; without one this engine always sends. `leadership` must outlive this.
  void set_leadership(const Leadership* leadership);
  void stop();
  // Sends every notice due at `now` (up to max_in_flight at once). Returns how many it started.
  int run_due(core::TimePoint now);

  // Counters for tests and logs, this process only.
  int delivered() const { return delivered_; }
  int failed() const { return failed_; }  // gave up (permanent failure or attempts exhausted)
  // Notices in the queue not delivered or given up yet (pending or in flight), from the database.
  int pending() const;

 private:
  struct Impl;
  explicit WebhookEscalationNotifier(std::unique_ptr<Impl> impl);
  void attempt(const storage::Notice& n);
  // Waits for the next due notice (at most a minute), or `fixed`.
  void arm(std::optional<std::chrono::milliseconds> fixed = std::nullopt);
  void recover();

  std::unique_ptr<Impl> impl_;
  int delivered_ = 0;
  int failed_ = 0;
};

}  // namespace outreach::engine
