#include "services/response_lists.h"

#include "engine/engine_config.h"
#include "services/audit_trail.h"
#include "services/followups.h"
#include "storage/database.h"
#include "storage/municipality_store.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {
constexpr const char* kPurpose = "brede-ondersteuning";
}  // namespace

ResponseLists::ResponseLists(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                             PendingAudit* pending)
    : db_(db), clock_(clock), config_(config), pending_(pending), policy_(db, config.suppression_key) {}

core::Status ResponseLists::open(const Actor& actor, const std::string& code, const std::string& format,
                                 bool is_export) {
  if (auto st = require_kind(actor,
                             {PrincipalKind::municipality, PrincipalKind::regional_hub, PrincipalKind::national_fallback},
                             "read residents' response lists");
      !st) {
    return st;
  }
  if (!policy_.in_scope(actor, code)) {
    return core::Error::forbidden("this response list is outside your scope", "municipality");
  }
  return AuditTrail(db_, clock_, pending_).record(actor, is_export ? "responses.export" : "responses.read",
                                        "municipality:" + code, kPurpose, "format=" + format);
}

bool ResponseLists::shown(const Actor& actor, std::int64_t contact_id, const std::string& municipality) const {
  auto verdict = policy_.check(actor, contact_id, {.use = campaigns::Use::list_for_municipality,
                                                   .municipality = municipality});
  return verdict && verdict->allowed();
}

core::Result<ResponseLists::Page> ResponseLists::page(const Actor& actor, const storage::ResponseQuery& q) const {
  if (!policy_.in_scope(actor, q.municipality)) {
    return core::Error::forbidden("this response list is outside your scope", "municipality");
  }
  Page page;
  page.next_after = q.after_id;
  int examined = 0;
  storage::ResponseQuery peek = q;
  peek.limit = q.limit + 1;  // one more than asked: is there a next page?
  storage::ResponseStore(db_).for_each_shared(peek, [&](const storage::SharedResponse& s) {
    if (examined++ == q.limit) {
      page.more = true;
      return;
    }
    page.next_after = s.response.id;
    if (!s.response.contact_id || !shown(actor, *s.response.contact_id, q.municipality)) return;
    page.rows.push_back(s);
  });
  return page;
}

std::string ResponseLists::owner_kind(const Actor& actor) {
  switch (actor.kind) {
    case PrincipalKind::municipality: return "municipality";
    case PrincipalKind::regional_hub: return "hub";
    case PrincipalKind::national_fallback: return "fallback";
    default: return {};
  }
}

std::string ResponseLists::owner_code(const Actor& actor) const {
  switch (actor.kind) {
    case PrincipalKind::municipality:
      return actor.scope;
    case PrincipalKind::regional_hub: {
      auto r = storage::MunicipalityStore(db_).region(actor.scope);
      return r.ok() ? r->hub_code : std::string();
    }
    case PrincipalKind::national_fallback:
      return actor.scope.empty() ? config_.national_fallback : actor.scope;
    default:
      return {};
  }
}

core::Result<std::vector<storage::Case>> ResponseLists::cases(const Actor& actor) {
  const std::string owner = owner_code(actor);
  if (owner.empty()) return core::Error::forbidden("'" + actor.name + "' owns no cases");
  const std::string kind = owner_kind(actor);
  std::vector<storage::Case> out;
  auto st = db_.transaction([&]() -> core::Status {
    AuditTrail trail(db_, clock_, pending_);
    for (const auto& c : storage::CaseStore(db_).for_owner(owner)) {
      if (c.owner_kind != kind) continue;
      if (!shown(actor, c.contact_id, c.municipality)) continue;
      out.push_back(c);
      if (auto r = trail.record(actor, "cases.read", "case:" + std::to_string(c.id), kPurpose); !r) return r;
    }
    if (out.empty()) return trail.record(actor, "cases.read", "owner:" + owner, kPurpose);
    return {};
  });
  if (!st) return st.error();
  return out;
}

core::Result<storage::Case> ResponseLists::set_case_status(const Actor& actor, std::int64_t case_id,
                                                          const std::string& status, const std::string& note) {
  const std::string owner = owner_code(actor);
  storage::CaseStore store(db_);
  auto c = store.get(case_id);
  // Not found and not yours look the same: nothing leaks about other owners' cases.
  if (!c || owner.empty() || c->owner_code != owner || c->owner_kind != owner_kind(actor)) {
    return core::Error::forbidden("not your case", "id");
  }
  auto st = db_.transaction([&]() -> core::Status {
    if (auto s = store.set_status(case_id, status, actor.name, clock_.now(), note); !s) return s;
    if (status == "closed") {  // one "did it help?" question per case (services/followups.h)
      if (auto s = schedule_followup_on_close(db_, config_, *c, clock_.now()); !s) return s;
    }
    return AuditTrail(db_, clock_).record(actor, "cases." + status, "case:" + std::to_string(case_id), kPurpose);
  });
  if (!st) return st.error();
  return store.get(case_id);
}

}  // namespace outreach::services
