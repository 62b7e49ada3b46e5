#pragma once
// Where a municipality's NEW cases go when not to the municipality itself (issue 12, the safety
// net): to its regional hub (centrumgemeente) or to the national fallback (noodvoorziening),
// because a safety-net rule fired (reason "safety_net", engine/safety_net.h) or because the
// municipality delegated its cases (reason "delegated": a small municipality from the start).
// CaseStore::open asks active() inside its own transaction: that is the one place a new case's
// owner is chosen.
// Invariants:
//  1. at most one active route per municipality (lifted_at IS NULL; a unique index);
//  2. routes are never deleted: a lifted route stays as history (who set it, who lifted it, when).
//
// `db` must outlive the store. Use from the writer's thread for writes.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct CaseRoute {
  std::int64_t id = 0;
  std::string municipality;  // whose new cases are routed
  std::string owner_kind;    // "hub" or "fallback"
  std::string owner_code;    // the hub's CBS code, or the fallback owner's name
  std::string reason;        // "safety_net" or "delegated"
  std::optional<std::int64_t> flag_id;  // the safety flag that caused it (reason safety_net)
  std::string set_by;
  core::TimePoint set_at{};
  std::optional<core::TimePoint> lifted_at;
  std::string lifted_by;
};

class CaseRoutes {
 public:
  explicit CaseRoutes(Database& db) : db_(db) {}
  CaseRoutes(const CaseRoutes&) = delete;
  CaseRoutes& operator=(const CaseRoutes&) = delete;

  // The active route of `municipality`; nullopt when its cases go to itself.
  core::Result<std::optional<CaseRoute>> active(const std::string& municipality) const;
  // Every active route, by municipality code.
  core::Result<std::vector<CaseRoute>> active_all() const;
  // Adds an active route. Errors: conflict when `municipality` has one already; invalid owner_kind
  // or reason. Joins the caller's transaction.
  core::Result<std::int64_t> set(const CaseRoute& route);
  // Lifts the active route (nullopt: there was none). Joins the caller's transaction.
  core::Result<std::optional<CaseRoute>> lift(const std::string& municipality, const std::string& by, core::TimePoint now);
  // When each municipality's last route was lifted (absent: never).
  core::Result<std::map<std::string, core::TimePoint>> last_lifted() const;
  // Whether `municipality` ever had a route with this reason (active or lifted).
  core::Result<bool> ever(const std::string& municipality, const std::string& reason) const;

  // The municipality takes its cases back: every case of `municipality` that is not acknowledged
  // yet (open, escalated_hub, escalated_fallback) and owned by someone else becomes `open`, owned
  // by the municipality, due at `sla_due`, with a case event (note "taken_back"). Cases another
  // owner acknowledged stay with that owner (a family keeps its handler). Returns the moved cases'
  // ids and previous owners. Joins the caller's transaction.
  struct Moved {
    std::int64_t case_id = 0;
    std::string from_owner;
  };
  core::Result<std::vector<Moved>> take_back_cases(const std::string& municipality, core::TimePoint sla_due,
                                                   const std::string& actor, core::TimePoint now);

 private:
  Database& db_;
};

}  // namespace outreach::storage
