#include "engine/escalation.h"

#include <spdlog/spdlog.h>

#include "engine/engine_config.h"
#include "engine/escalation_notifier.h"
#include "engine/inbound.h"
#include "engine/periodic.h"
#include "net/asio.h"
#include "storage/audit_log.h"
#include "storage/case_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"

namespace outreach::engine {

Escalator::Escalator(storage::Database& db, const core::Clock& clock, const EngineConfig& config)
    : db_(db), clock_(clock), config_(config) {}

Escalator::~Escalator() { stop(); }

EscalationReport Escalator::run_due(core::TimePoint now) {
  EscalationReport report;
  storage::CaseStore cases(db_);
  storage::MunicipalityStore municipalities(db_);
  storage::AuditLog audit(db_);
  // New cases first, so the owner hears of a case before any escalation of it.
  if (notifier_) {
    for (const storage::Case& c : cases.opened_unnotified(500)) {
      EscalationNotice notice{c.id, c.municipality, "", c.owner_code, c.owner_kind, "open", c.opened_at, "new_case"};
      // One transaction: a durable notifier queues the notice in it, so the case is marked told
      // exactly when its notice is stored.
      // The mark comes first and is conditional: when another engine told the owner meanwhile,
      // this one queues nothing.
      bool marked = false;
      auto st = db_.transaction([&]() -> core::Status {
        auto first = cases.mark_owner_notified(c.id, now);
        if (!first) return first.error();
        if (!(marked = *first)) return {};
        try {
          notifier_->notify(notice);
        } catch (const std::exception& ex) {  // a notifier must not throw; never let it stop the run
          spdlog::warn("case {}: notify {}: {}", c.id, c.owner_code, ex.what());
        }
        return {};
      });
      if (!st) spdlog::warn("case {}: {}", c.id, st.error().what());
      else if (marked) ++report.opened_notified;
    }
  }
  for (const storage::Case& c : cases.due_for_escalation(now)) {
    auto m = municipalities.get(c.municipality);
    std::string fallback = m.ok() && !m->fallback_owner.empty() ? m->fallback_owner : config_.national_fallback;
    std::string hub;
    // Only a case its municipality owned goes to the hub; one routed to the hub goes on to the fallback.
    if (c.status == "open" && c.owner_kind == "municipality" && m.ok() && !m->region_code.empty()) {
      auto region = municipalities.region(m->region_code);
      if (region.ok() && !region->hub_code.empty() && region->hub_code != c.municipality) hub = region->hub_code;
    }
    const bool to_hub = !hub.empty();
    const std::string status = to_hub ? "escalated_hub" : "escalated_fallback";
    const std::string owner_kind = to_hub ? "hub" : "fallback";
    const std::string owner_code = to_hub ? hub : fallback;
    std::optional<core::TimePoint> sla;
    if (to_hub) sla = add_working_days(now, config_.hub_sla_working_days);
    // Compare-and-set on the case as read above, first in the transaction: when another engine
    // (a leader that was paused and resumed, say) moved, acknowledged or closed it meanwhile, this
    // one writes nothing, no audit record and no notice.
    bool moved = false;
    core::Status st = db_.transaction([&]() -> core::Status {
      auto first = cases.escalate_from(c, status, owner_kind, owner_code, sla, now, "no_municipal_action");
      if (!first) return first.error();
      if (!(moved = *first)) return {};
      storage::AuditRecord rec;
      rec.at = now;
      rec.actor = "escalation";
      rec.action = "cases.escalate";
      rec.subject = "case:" + std::to_string(c.id);
      rec.purpose = "brede-ondersteuning";
      rec.request_id = "escalation";
      rec.detail = c.owner_code + " -> " + owner_code + " (no_municipal_action)";
      auto id = audit.append(rec);
      if (!id) return id.error();
      // In the move's transaction: a durable notifier queues the notice with it (storage/notice_queue.h).
      if (notifier_) {
        EscalationNotice notice{c.id, c.municipality, c.owner_code, owner_code, owner_kind, status, now,
                                "no_municipal_action"};
        try {
          notifier_->notify(notice);
        } catch (const std::exception& ex) {  // a notifier must not throw; never let it stop the run
          spdlog::warn("escalation: case {}: notify {}: {}", c.id, owner_code, ex.what());
        }
      }
      return {};
    });
    if (!st) {
      ++report.failed;
      spdlog::warn("escalation: case {}: {}", c.id, st.error().what());
      continue;
    }
    if (!moved) {
      ++report.skipped;
      spdlog::debug("escalation: case {}: changed since it was read; left as it is", c.id);
    } else if (to_hub) {
      ++report.to_hub;
    } else {
      ++report.to_fallback;
    }
  }
  return report;
}

void Escalator::start(asio::io_context& ioc, std::chrono::milliseconds interval) {
  periodic_ = std::make_unique<Periodic>(ioc, interval, [this] {
    if (may_run(leadership_)) run_due(clock_.now());
  });
  periodic_->start();
}

void Escalator::stop() {
  if (periodic_) periodic_->stop();
}

}  // namespace outreach::engine
