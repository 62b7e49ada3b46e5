#pragma once
// The safety net (issue 12 part 3; DOMAIN: "make sure every municipality takes part", the regional
// hub or centrumgemeente, the emergency fallback or noodvoorziening). Every `safety_net.every` the
// engine evaluates, for each municipality, the rules configured for its region
// (engine/safety_net_config.h):
//   unacknowledged_past_sla  too many of its cases missed their SLA (count, or share of those due);
//   no_active_outreach       people are known there and nothing reached them or their cases.
// A rule that holds raises a flag with its evidence (storage/safety_flags.h; aggregate counts,
// never a person), or refreshes the open one; a flag whose rule no longer holds is cleared. When
// the rule says so and the municipality's new cases are not routed already, its NEW cases go to
// its regional hub (or, when it is the hub or in no region, to its fallback owner) from now on:
// an active route (storage/case_routes.h) that CaseStore::open follows. Each flag, route and
// clearance is one transaction with its audit record (actor "safety_net") and, for a route, a
// notice to everyone involved (the municipality, the new owner and the national fallback) in the
// durable notice queue (storage/notice_queue.h; only owners with a configured notification, as
// for escalations). Existing cases are not moved: escalation handles those one by one.
// Municipalities listed in `safety_net.delegated` get a route to their hub once, at the first run.
// The municipality takes its cases back through services/safety_net.h.
//
// All logic is in run_due(now), which tests call with ManualClock times; start() runs it
// every `safety_net.every` on an engine::Periodic, like engine/escalation.h.
// `db`, `clock` and `config` must outlive the job; use on the engine's io thread.

#include <chrono>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "engine/safety_net_config.h"
#include "engine/leadership.h"

namespace boost::asio {
class io_context;
}
namespace outreach::storage {
class Database;
struct SlaEvidence;
struct OutreachEvidence;
}  // namespace outreach::storage

namespace outreach::engine {

class Periodic;

struct EngineConfig;

struct SafetyNetReport {
  int raised = 0;
  int refreshed = 0;
  int cleared = 0;
  int routed = 0;     // municipalities whose new cases were routed by a rule this run
  int delegated = 0;  // configured delegations applied this run
  int failed = 0;     // municipalities that could not be evaluated or acted on (logged)
};

// The rules as pure functions of their evidence.
bool unacknowledged_holds(const UnacknowledgedRule& rule, const storage::SlaEvidence& evidence);
bool no_outreach_holds(const NoOutreachRule& rule, const storage::OutreachEvidence& evidence);

// Where a route of kind `to` (hub or fallback) sends `municipality`'s new cases: {owner_kind,
// owner_code}. The hub is the region's hub municipality, unless the municipality is the hub itself
// or in no region: then its fallback owner (the configured national fallback when empty).
core::Result<std::pair<std::string, std::string>> route_target(storage::Database& db, const EngineConfig& config,
                                                               const std::string& municipality, RouteTo to);

// A change of where a municipality's new cases go, told to everyone involved.
struct RouteNotice {
  std::string event;         // "municipality.routed" or "municipality.taken_back"
  std::string municipality;  // whose cases
  std::string owner_code;    // the hub or fallback the cases go (went) to
  std::string owner_kind;    // "hub" or "fallback"
  std::string reason;        // "safety_net:<rule>", "delegated", "taken_back"
  std::int64_t route_id = 0;
  int cases_moved = 0;       // taken back: the cases that went back to the municipality
};
// Queues the notice (in the caller's transaction) for the municipality, the owner and the national
// fallback, each once, when a notification is configured for them. Returns how many were queued.
core::Result<int> queue_route_notices(storage::Database& db, const EngineConfig& config, const RouteNotice& notice,
                                      core::TimePoint now);

class SafetyNet {
 public:
  SafetyNet(storage::Database& db, const core::Clock& clock, const EngineConfig& config);
  ~SafetyNet();
  SafetyNet(const SafetyNet&) = delete;
  SafetyNet& operator=(const SafetyNet&) = delete;

  SafetyNetReport run_due(core::TimePoint now);

  // Runs run_due every `safety_net.every` on `ioc` until stop(); nothing when disabled.
  void start(boost::asio::io_context& ioc);
  void stop();
  // Optional; without one it always runs. On PostgreSQL only the leading engine's runs (a tick
  // while another engine leads does nothing). `leadership` must outlive this.
  void set_leadership(const Leadership* leadership) { leadership_ = leadership; }

 private:
  core::Status apply_delegations(core::TimePoint now, SafetyNetReport& report);
  core::Status apply(const std::string& municipality, const std::string& rule, bool holds, const std::string& evidence,
                     RouteTo route, core::TimePoint now, SafetyNetReport& report);

  storage::Database& db_;
  const core::Clock& clock_;
  const EngineConfig& config_;
  std::unique_ptr<Periodic> periodic_;
  const Leadership* leadership_ = nullptr;
};

}  // namespace outreach::engine
