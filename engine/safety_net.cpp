#include "engine/safety_net.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>
#include <set>

#include "core/json_text.h"
#include "engine/engine_config.h"
#include "engine/periodic.h"
#include "net/asio.h"
#include "storage/audit_log.h"
#include "storage/case_routes.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/notice_queue.h"
#include "storage/safety_flags.h"

namespace outreach::engine {

namespace {

constexpr const char* kActor = "safety_net";
constexpr const char* kPurpose = "safety-net";
constexpr const char* kUnacknowledged = "unacknowledged_past_sla";
constexpr const char* kNoOutreach = "no_active_outreach";

double days(core::Millis d) { return static_cast<double>(d.count()) / 86'400'000.0; }

core::Status audit(storage::Database& db, core::TimePoint now, const std::string& action, const std::string& subject,
                   const std::string& detail) {
  storage::AuditRecord rec;
  rec.at = now;
  rec.actor = kActor;
  rec.action = action;
  rec.subject = subject;
  rec.purpose = kPurpose;
  rec.request_id = kActor;
  rec.detail = detail;
  auto id = storage::AuditLog(db).append(rec);
  if (!id) return id.error();
  return {};
}

std::string sla_evidence_json(const UnacknowledgedRule& rule, const storage::SlaEvidence& e) {
  const double share = e.due() > 0 ? static_cast<double>(e.missed) / static_cast<double>(e.due()) : 0.0;
  nlohmann::ordered_json j = {{"window_days", days(rule.window)}, {"cases_due", e.due()},
                              {"missed_sla", e.missed},           {"share_missed", std::round(share * 1000) / 1000},
                              {"min_count", rule.min_count},      {"min_share", rule.min_share},
                              {"min_due", rule.min_due}};
  return core::json_text(j);
}

std::string outreach_evidence_json(const NoOutreachRule& rule, const storage::OutreachEvidence& e) {
  nlohmann::ordered_json j = {{"quiet_days", days(rule.quiet_for)}, {"people_known", e.people_known},
                              {"messages_sent", e.messages_sent},   {"contact_logs", e.contact_logs},
                              {"case_actions", e.case_actions},     {"min_people", rule.min_people}};
  return core::json_text(j);
}

}  // namespace

const char* to_string(RouteTo r) {
  switch (r) {
    case RouteTo::none: return "none";
    case RouteTo::hub: return "hub";
    case RouteTo::fallback: return "fallback";
  }
  return "none";
}

bool unacknowledged_holds(const UnacknowledgedRule& rule, const storage::SlaEvidence& e) {
  if (!rule.enabled || e.missed == 0) return false;
  if (rule.min_count > 0 && e.missed >= rule.min_count) return true;
  return e.due() >= std::max(1, rule.min_due) &&
         static_cast<double>(e.missed) >= rule.min_share * static_cast<double>(e.due());
}

bool no_outreach_holds(const NoOutreachRule& rule, const storage::OutreachEvidence& e) {
  return rule.enabled && e.people_known >= std::max(1, rule.min_people) && e.activity() == 0;
}

core::Result<std::pair<std::string, std::string>> route_target(storage::Database& db, const EngineConfig& config,
                                                               const std::string& municipality, RouteTo to) {
  storage::MunicipalityStore store(db);
  auto m = store.get(municipality);
  if (!m) return m.error();
  if (to == RouteTo::hub && !m->region_code.empty()) {
    auto region = store.region(m->region_code);
    if (region && !region->hub_code.empty() && region->hub_code != municipality)
      return std::pair<std::string, std::string>{"hub", region->hub_code};
  }
  if (to == RouteTo::none) return core::Error::invalid("no route target", "route");
  return std::pair<std::string, std::string>{"fallback",
                                             m->fallback_owner.empty() ? config.national_fallback : m->fallback_owner};
}

core::Result<int> queue_route_notices(storage::Database& db, const EngineConfig& config, const RouteNotice& notice,
                                      core::TimePoint now) {
  std::set<std::string> owners = {notice.municipality, notice.owner_code, config.national_fallback};
  storage::NoticeQueue queue(db);
  nlohmann::ordered_json payload = {{"municipality", notice.municipality}, {"owner", notice.owner_code},
                                    {"owner_kind", notice.owner_kind},     {"reason", notice.reason},
                                    {"route_id", notice.route_id},         {"at", core::format_utc(now)}};
  if (notice.event == "municipality.taken_back") payload["cases_moved"] = notice.cases_moved;
  int queued = 0;
  for (const auto& owner : owners) {
    auto cfg = config.owner_notifications.find(owner);
    if (owner.empty() || cfg == config.owner_notifications.end()) continue;
    storage::Notice n;
    n.case_id = 0;  // about a municipality, not one case
    n.event = notice.event;
    n.delivery_id = notice.event + "-" + notice.municipality + "-" + std::to_string(notice.route_id) + "-" +
                    std::to_string(core::to_millis(now)) + "-" + owner;
    n.owner = owner;
    n.payload = core::json_text(payload);
    n.receiver_dedupes = cfg->second.dedupe;
    n.due_at = now;
    auto added = queue.enqueue(n, now);
    if (!added) return added.error();
    if (*added) ++queued;
  }
  return queued;
}

SafetyNet::SafetyNet(storage::Database& db, const core::Clock& clock, const EngineConfig& config)
    : db_(db), clock_(clock), config_(config) {}

SafetyNet::~SafetyNet() { stop(); }

core::Status SafetyNet::apply_delegations(core::TimePoint now, SafetyNetReport& report) {
  storage::CaseRoutes routes(db_);
  for (const auto& code : config_.safety_net.delegated) {
    auto ever = routes.ever(code, "delegated");
    if (!ever) return ever.error();
    if (*ever) continue;  // applied once: a municipality that took its cases back keeps them
    auto st = db_.transaction([&]() -> core::Status {
      auto active = routes.active(code);
      if (!active) return active.error();
      if (*active) return {};
      auto target = route_target(db_, config_, code, RouteTo::hub);
      if (!target) return target.error();
      storage::CaseRoute r{.municipality = code, .owner_kind = target->first, .owner_code = target->second,
                           .reason = "delegated", .set_by = "config", .set_at = now};
      auto id = routes.set(r);
      if (!id) return id.error();
      if (auto a = audit(db_, now, "safety_net.delegate", "municipality:" + code, "new cases -> " + target->second +
                                                                                    " (safety_net.delegated)");
          !a)
        return a;
      auto q = queue_route_notices(db_, config_, {"municipality.routed", code, target->second, target->first,
                                                  "delegated", *id, 0}, now);
      if (!q) return q.error();
      ++report.delegated;
      return {};
    });
    if (!st) {
      ++report.failed;
      spdlog::warn("safety net: delegation of {}: {}", code, st.error().what());
    }
  }
  return {};
}

core::Status SafetyNet::apply(const std::string& municipality, const std::string& rule, bool holds,
                              const std::string& evidence, RouteTo route, core::TimePoint now,
                              SafetyNetReport& report) {
  storage::SafetyFlags flags(db_);
  storage::CaseRoutes routes(db_);
  return db_.transaction([&]() -> core::Status {
    auto open = flags.open_flag(municipality, rule);
    if (!open) return open.error();
    const std::string subject = "municipality:" + municipality;
    if (!holds) {
      if (!*open) return {};
      if (auto st = flags.clear((*open)->id, kActor, "rule no longer holds", now); !st) return st;
      ++report.cleared;
      return audit(db_, now, "safety_net.clear", subject, rule + ": rule no longer holds; " + evidence);
    }
    if (*open) {
      ++report.refreshed;
      return flags.refresh((*open)->id, evidence, now);
    }
    // Raise, and route when the rule says so and nothing routes this municipality's cases yet.
    std::optional<std::pair<std::string, std::string>> target;
    if (route != RouteTo::none) {
      auto active = routes.active(municipality);
      if (!active) return active.error();
      if (!*active) {
        auto t = route_target(db_, config_, municipality, route);
        if (!t) return t.error();
        target = *t;
      }
    }
    const std::string action = !target ? "flag_only" : target->first == "hub" ? "route_hub" : "route_fallback";
    auto id = flags.raise(municipality, rule, evidence, action, now);
    if (!id) return id.error();
    ++report.raised;
    if (auto a = audit(db_, now, "safety_net.flag", subject, rule + " (flag " + std::to_string(*id) + "): " + evidence); !a)
      return a;
    if (!target) return {};
    storage::CaseRoute r{.municipality = municipality, .owner_kind = target->first, .owner_code = target->second,
                         .reason = "safety_net", .flag_id = *id, .set_by = kActor, .set_at = now};
    auto route_id = routes.set(r);
    if (!route_id) return route_id.error();
    if (auto a = audit(db_, now, "safety_net.route", subject,
                       "new cases -> " + target->second + " (" + target->first + "), flag " + std::to_string(*id));
        !a)
      return a;
    auto q = queue_route_notices(db_, config_, {"municipality.routed", municipality, target->second, target->first,
                                                std::string("safety_net:") + rule, *route_id, 0}, now);
    if (!q) return q.error();
    ++report.routed;
    return {};
  });
}

SafetyNetReport SafetyNet::run_due(core::TimePoint now) {
  SafetyNetReport report;
  const SafetyNetConfig& cfg = config_.safety_net;
  if (!cfg.enabled) return report;
  if (auto st = apply_delegations(now, report); !st) spdlog::warn("safety net: delegations: {}", st.error().what());

  // Evidence for every municipality at once, per distinct window (usually one).
  std::map<std::int64_t, std::map<std::string, storage::SlaEvidence>> sla;
  std::map<std::int64_t, std::map<std::string, storage::OutreachEvidence>> outreach;
  storage::SafetyFlags flags(db_);
  storage::MunicipalityStore municipalities(db_);
  auto lifted = storage::CaseRoutes(db_).last_lifted();
  if (!lifted) {
    spdlog::warn("safety net: {}", lifted.error().what());
    ++report.failed;
    return report;
  }
  for (const auto& m : municipalities.list()) {
    if (!m.valid_to.empty()) continue;  // merged away: its people and cases live at the successor
    const SafetyNetRules& rules = cfg.rules_for(m.region_code);
    const auto& ur = rules.unacknowledged;
    const auto& nr = rules.no_outreach;
    const std::int64_t w = ur.window.count(), q = nr.quiet_for.count();
    if (!sla.count(w)) {
      auto e = flags.sla_evidence(now - ur.window, now);
      if (!e) {
        spdlog::warn("safety net: {}", e.error().what());
        ++report.failed;
        return report;
      }
      sla[w] = std::move(*e);
    }
    if (!outreach.count(q)) {
      auto e = flags.outreach_evidence(now - nr.quiet_for, now - nr.quiet_for);
      if (!e) {
        spdlog::warn("safety net: {}", e.error().what());
        ++report.failed;
        return report;
      }
      outreach[q] = std::move(*e);
    }
    storage::SlaEvidence se;
    if (auto it = sla[w].find(m.code); it != sla[w].end()) se = it->second;
    storage::OutreachEvidence oe;
    if (auto it = outreach[q].find(m.code); it != outreach[q].end()) oe = it->second;
    // A municipality that took its cases back gets a full quiet period before it can be flagged
    // for inactivity again (its unacknowledged cases count only from the take-back on).
    auto lift = lifted->find(m.code);
    const bool in_grace = lift != lifted->end() && lift->second > now - nr.quiet_for;
    struct Eval {
      const char* rule;
      bool holds;
      std::string evidence;
      RouteTo route;
    };
    const Eval evals[] = {
        {kUnacknowledged, unacknowledged_holds(ur, se), sla_evidence_json(ur, se), ur.route},
        {kNoOutreach, !in_grace && no_outreach_holds(nr, oe), outreach_evidence_json(nr, oe), nr.route},
    };
    for (const auto& e : evals) {
      if (auto st = apply(m.code, e.rule, e.holds, e.evidence, e.route, now, report); !st) {
        ++report.failed;
        spdlog::warn("safety net: {} {}: {}", m.code, e.rule, st.error().what());
      }
    }
  }
  if (report.raised + report.cleared + report.routed + report.delegated > 0)
    spdlog::info("safety net: {} flag(s) raised, {} cleared, {} municipality(ies) routed, {} delegated",
                 report.raised, report.cleared, report.routed, report.delegated);
  return report;
}

void SafetyNet::start(asio::io_context& ioc) {
  if (!config_.safety_net.enabled) return;
  periodic_ = std::make_unique<Periodic>(ioc, config_.safety_net.every, [this] {
    if (may_run(leadership_)) run_due(clock_.now());
  });
  periodic_->start();
}

void SafetyNet::stop() {
  if (periodic_) periodic_->stop();
}

}  // namespace outreach::engine
