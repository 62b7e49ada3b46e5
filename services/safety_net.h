#pragma once
// What people do with the safety net (engine/safety_net.h raises the flags and routes):
//  - flags(): the national team (coordinators, the national fallback) sees every flag with its
//    evidence; a regional hub sees those of its region;
//  - routes(): where municipalities' new cases go instead of to themselves (same scope);
//  - take_back(): the municipality acts again: its route is lifted, its open flags cleared, and its
//    cases nobody acknowledged yet come back to it with a fresh SLA (cases another owner already
//    acknowledged stay there: the family keeps its handler). The municipality itself, a
//    coordinator or the national fallback may do it;
//  - delegate(): a (small) municipality sends its new cases to its regional hub from now on; the
//    municipality itself or a coordinator.
// Each change is one transaction with its audit records and the notices to everyone involved
// (engine::queue_route_notices).

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "services/audit_trail.h"
#include "storage/case_routes.h"
#include "storage/safety_flags.h"

namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

struct TakeBackResult {
  bool route_lifted = false;
  std::string was_routed_to;             // the owner the lifted route named
  std::vector<std::int64_t> cases_back;  // cases that came back to the municipality
  int flags_cleared = 0;
};

// `db`, `clock` and `config` must outlive the desk. Reads take `pending` on a reader connection.
class SafetyNetDesk {
 public:
  SafetyNetDesk(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                PendingAudit* pending = nullptr);

  core::Result<std::vector<storage::SafetyFlag>> flags(const Actor& actor, bool include_cleared);
  core::Result<std::vector<storage::CaseRoute>> routes(const Actor& actor);
  // Errors: forbidden (not the municipality itself, a coordinator or the national fallback);
  // conflict when there is nothing to take back (no route, no case owned by someone else).
  core::Result<TakeBackResult> take_back(const Actor& actor, const std::string& municipality);
  // Errors: forbidden; invalid when the municipality has no regional hub other than itself;
  // conflict when its new cases are routed already.
  core::Result<storage::CaseRoute> delegate(const Actor& actor, const std::string& municipality);

 private:
  core::Result<std::vector<std::string>> visible_municipalities(const Actor& actor) const;

  storage::Database& db_;
  const core::Clock& clock_;
  const engine::EngineConfig& config_;
  PendingAudit* pending_;
};

}  // namespace outreach::services
