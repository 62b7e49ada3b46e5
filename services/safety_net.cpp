#include "services/safety_net.h"

#include <algorithm>

#include "engine/engine_config.h"
#include "engine/inbound.h"
#include "engine/safety_net.h"
#include "storage/database.h"
#include "storage/municipality_store.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {
constexpr const char* kPurpose = "safety-net";

bool is_national(const Actor& a) { return a.is(PrincipalKind::coordinator) || a.is(PrincipalKind::national_fallback); }
}  // namespace

SafetyNetDesk::SafetyNetDesk(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                             PendingAudit* pending)
    : db_(db), clock_(clock), config_(config), pending_(pending) {}

// Empty vector: all municipalities (the national team).
core::Result<std::vector<std::string>> SafetyNetDesk::visible_municipalities(const Actor& actor) const {
  if (is_national(actor)) return std::vector<std::string>{};
  if (actor.is(PrincipalKind::regional_hub) && !actor.scope.empty()) {
    std::vector<std::string> out;
    for (const auto& [code, region] : storage::MunicipalityStore(db_).region_of_all()) {
      if (region == actor.scope) out.push_back(code);
    }
    if (out.empty()) out.push_back("-");  // a region with no members sees nothing
    return out;
  }
  return core::Error::forbidden("the safety net's flags are for the national team and the regional hubs");
}

core::Result<std::vector<storage::SafetyFlag>> SafetyNetDesk::flags(const Actor& actor, bool include_cleared) {
  auto scope = visible_municipalities(actor);
  if (!scope) return scope.error();
  auto out = storage::SafetyFlags(db_).list(include_cleared, *scope);
  if (!out) return out.error();
  if (auto st = AuditTrail(db_, clock_, pending_).record(actor, "safety_net.flags.read",
                                                         actor.scope.empty() ? "safety_net:all" : "region:" + actor.scope,
                                                         kPurpose, std::to_string(out->size()) + " flag(s)");
      !st)
    return st.error();
  return out;
}

core::Result<std::vector<storage::CaseRoute>> SafetyNetDesk::routes(const Actor& actor) {
  auto scope = visible_municipalities(actor);
  if (!scope) return scope.error();
  auto all = storage::CaseRoutes(db_).active_all();
  if (!all) return all.error();
  std::vector<storage::CaseRoute> out;
  for (auto& r : *all) {
    if (scope->empty() || std::find(scope->begin(), scope->end(), r.municipality) != scope->end())
      out.push_back(std::move(r));
  }
  if (auto st = AuditTrail(db_, clock_, pending_).record(actor, "safety_net.routes.read",
                                                         actor.scope.empty() ? "safety_net:all" : "region:" + actor.scope,
                                                         kPurpose);
      !st)
    return st.error();
  return out;
}

core::Result<TakeBackResult> SafetyNetDesk::take_back(const Actor& actor, const std::string& municipality) {
  const bool own = actor.is(PrincipalKind::municipality) && actor.scope == municipality;
  if (!own && !is_national(actor))
    return core::Error::forbidden("only the municipality itself or the national team can take its cases back",
                                  "municipality");
  if (!storage::MunicipalityStore(db_).get(municipality))
    return core::Error::invalid("unknown municipality '" + municipality + "'", "municipality");
  const core::TimePoint now = clock_.now();
  TakeBackResult result;
  auto st = db_.transaction([&]() -> core::Status {
    storage::CaseRoutes routes(db_);
    auto lifted = routes.lift(municipality, actor.name, now);
    if (!lifted) return lifted.error();
    auto moved = routes.take_back_cases(municipality, engine::add_working_days(now, config_.case_sla_working_days),
                                        actor.name, now);
    if (!moved) return moved.error();
    if (!*lifted && moved->empty())
      return core::Error::conflict(municipality + " has no route and no cases owned by someone else to take back",
                                   "municipality");
    storage::SafetyFlags flags(db_);
    auto open = flags.list(false, {municipality});
    if (!open) return open.error();
    for (const auto& f : *open) {
      if (auto c = flags.clear(f.id, actor.name, "taken_back", now); !c) return c;
      ++result.flags_cleared;
    }
    AuditTrail trail(db_, clock_);
    for (const auto& m : *moved) {
      result.cases_back.push_back(m.case_id);
      if (auto r = trail.record(actor, "cases.take_back", "case:" + std::to_string(m.case_id), "brede-ondersteuning",
                                m.from_owner + " -> " + municipality);
          !r)
        return r;
    }
    std::string owner_code, owner_kind;
    std::int64_t route_id = 0;
    if (*lifted) {
      result.route_lifted = true;
      result.was_routed_to = (*lifted)->owner_code;
      owner_code = (*lifted)->owner_code;
      owner_kind = (*lifted)->owner_kind;
      route_id = (*lifted)->id;
    } else {
      owner_code = moved->front().from_owner;
      owner_kind = owner_code == config_.national_fallback ? "fallback" : "hub";
    }
    if (auto r = trail.record(actor, "safety_net.take_back", "municipality:" + municipality, kPurpose,
                              (result.route_lifted ? "route to " + owner_code + " lifted; " : std::string()) +
                                  std::to_string(moved->size()) + " case(s) back, " +
                                  std::to_string(result.flags_cleared) + " flag(s) cleared");
        !r)
      return r;
    auto q = engine::queue_route_notices(db_, config_,
                                         {"municipality.taken_back", municipality, owner_code, owner_kind, "taken_back",
                                          route_id, static_cast<int>(moved->size())},
                                         now);
    if (!q) return q.error();
    return {};
  });
  if (!st) return st.error();
  return result;
}

core::Result<storage::CaseRoute> SafetyNetDesk::delegate(const Actor& actor, const std::string& municipality) {
  const bool own = actor.is(PrincipalKind::municipality) && actor.scope == municipality;
  if (!own && !actor.is(PrincipalKind::coordinator))
    return core::Error::forbidden("only the municipality itself or a coordinator can delegate its cases", "municipality");
  auto target = engine::route_target(db_, config_, municipality, engine::RouteTo::hub);
  if (!target) return target.error().within("municipality");
  if (target->first != "hub")
    return core::Error::invalid(municipality + " has no regional hub other than itself to delegate to", "municipality");
  const core::TimePoint now = clock_.now();
  storage::CaseRoute route{.municipality = municipality, .owner_kind = "hub", .owner_code = target->second,
                           .reason = "delegated", .set_by = actor.name, .set_at = now};
  auto st = db_.transaction([&]() -> core::Status {
    auto id = storage::CaseRoutes(db_).set(route);
    if (!id) return id.error();
    route.id = *id;
    if (auto r = AuditTrail(db_, clock_).record(actor, "safety_net.delegate", "municipality:" + municipality, kPurpose,
                                                "new cases -> " + target->second);
        !r)
      return r;
    auto q = engine::queue_route_notices(db_, config_,
                                         {"municipality.routed", municipality, target->second, "hub", "delegated", *id, 0},
                                         now);
    if (!q) return q.error();
    return {};
  });
  if (!st) return st.error();
  return route;
}

}  // namespace outreach::services
