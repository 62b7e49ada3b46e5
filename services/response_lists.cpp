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

core::Result<ResponseLists::Verdicts> ResponseLists::verdicts_for(const Actor& actor,
                                                                  const std::vector<storage::SharedResponse>& rows,
                                                                  const std::string& municipality) const {
  std::vector<std::int64_t> ids;
  for (const auto& s : rows) {
    if (s.response.contact_id) ids.push_back(*s.response.contact_id);
  }
  return policy_.check_all(actor, ids, {.use = campaigns::Use::list_for_municipality, .municipality = municipality});
}

bool ResponseLists::shown(const Verdicts& verdicts, std::int64_t contact_id) {
  auto it = verdicts.find(contact_id);
  return it != verdicts.end() && it->second.allowed();  // a person without a contact row is not shown
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
  std::vector<storage::SharedResponse> candidates;
  storage::ResponseStore(db_).for_each_shared(peek, [&](const storage::SharedResponse& s) {
    if (examined++ == q.limit) {
      page.more = true;
      return;
    }
    page.next_after = s.response.id;
    if (s.response.contact_id) candidates.push_back(s);
  });
  // The policy once for the page: everyone's facts in a few queries, the same decision per row.
  auto verdicts = verdicts_for(actor, candidates, q.municipality);
  if (!verdicts) return verdicts.error();
  for (auto& s : candidates) {
    if (shown(*verdicts, *s.response.contact_id)) page.rows.push_back(std::move(s));
  }
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
    std::vector<storage::Case> owned;
    std::vector<std::int64_t> ids;
    for (auto& c : storage::CaseStore(db_).for_owner(owner)) {
      if (c.owner_kind != kind) continue;
      ids.push_back(c.contact_id);
      owned.push_back(std::move(c));
    }
    // Everyone's facts in a few queries; each case is asked about its own municipality.
    auto facts = policy_.facts_of(ids);
    if (!facts) return facts.error();
    for (const auto& c : owned) {
      auto f = facts->find(c.contact_id);
      if (f == facts->end()) continue;
      if (!policy_.decide(actor, f->second, {.use = campaigns::Use::list_for_municipality, .municipality = c.municipality})
               .allowed()) {
        continue;
      }
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
