#pragma once
// Escalation of cases nobody acted on (DOMAIN: agree on escalation; a regional hub supports the
// smaller municipalities, a national fallback stands behind every municipality):
//   open, SLA passed          -> escalated_hub, owned by the region's hub municipality, with the hub
//                                SLA (EngineConfig::hub_sla_working_days); straight to the fallback
//                                when the municipality has no region or is the hub itself;
//   escalated_hub, SLA passed -> escalated_fallback, owned by the municipality's fallback owner
//                                (no further SLA); so does an open case that a route
//                                (storage/case_routes.h) gave to the hub when it was opened.
// Each move is one transaction with its audit record (actor "escalation", reason
// no_municipal_action), and a compare-and-set on the case as this run read it
// (storage::CaseStore::escalate_from): when two engines run at overlapping moments (a leader that
// was paused or slow finishes a tick after another took the lead), each case still moves once,
// with one audit record and one notice; the second mover finds it changed and writes nothing
// (EscalationReport::skipped). The same holds for the "case.opened" notice (mark_owner_notified).
// With a notifier set (set_notifier), each move is notified to the new owner inside the move's
// transaction (engine/escalation_notifier.h queues it durably there); the notifier cannot fail or
// undo the move, and a notice is never lost between the move and its queue. Each run also tells
// the owners of newly opened cases about them ("case.opened"), once: the case records it.
//
// All logic is in run_due(now), which tests call with ManualClock times. start() runs it
// every `interval` on an engine::Periodic.
// `db`, `clock` and `config` must outlive the escalator; use on the engine's io thread.

#include <chrono>
#include <memory>

#include "core/clock.h"
#include "core/error.h"
#include "engine/leadership.h"

namespace boost::asio {
class io_context;
}
namespace outreach::storage {
class Database;
}

namespace outreach::engine {

class Periodic;

struct EngineConfig;
class EscalationNotifier;

struct EscalationReport {
  int to_hub = 0;
  int to_fallback = 0;
  int failed = 0;  // could not be moved (logged); retried on the next run
  int skipped = 0;  // changed since this run read it (another engine moved it first): left alone
  int opened_notified = 0;  // new cases whose owner was told (only with a notifier)
};

class Escalator {
 public:
  Escalator(storage::Database& db, const core::Clock& clock, const EngineConfig& config);
  ~Escalator();
  Escalator(const Escalator&) = delete;
  Escalator& operator=(const Escalator&) = delete;

  EscalationReport run_due(core::TimePoint now);

  // Runs run_due every `interval` on `ioc` until stop().
  void start(boost::asio::io_context& ioc, std::chrono::milliseconds interval = std::chrono::minutes(1));
  void stop();

  // Optional; null (the default) notifies nobody. `notifier` must outlive the escalator.
  void set_notifier(EscalationNotifier* notifier) { notifier_ = notifier; }
  // Optional; without one it always runs. On PostgreSQL only the leading engine's runs (a tick
  // while another engine leads does nothing). `leadership` must outlive this.
  void set_leadership(const Leadership* leadership) { leadership_ = leadership; }

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  const EngineConfig& config_;
  std::unique_ptr<Periodic> periodic_;
  EscalationNotifier* notifier_ = nullptr;
  const Leadership* leadership_ = nullptr;
};

}  // namespace outreach::engine
