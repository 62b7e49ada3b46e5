#include "services/followups.h"

#include <cctype>

#include "core/text.h"
#include "core/text_encoding.h"
#include "engine/engine_config.h"
#include "services/case_desk.h"
#include "storage/database.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {
constexpr const char* kPurpose = "brede-ondersteuning";
constexpr std::size_t kMaxHandlerName = 60;

core::Status check_handler_name(const std::string& name) {
  if (name.size() > kMaxHandlerName) {
    return core::Error::invalid("a handler's name is at most " + std::to_string(kMaxHandlerName) + " characters", "name");
  }
  if (!core::is_valid_utf8(name)) return core::Error::invalid("a handler's name must be UTF-8 text", "name");
  for (unsigned char ch : name) {
    if (ch < 0x20 || ch == 0x7f) return core::Error::invalid("a handler's name is one line of text", "name");
    if (std::isdigit(ch) || ch == '@') {
      return core::Error::invalid("a handler's name has no digits or '@': residents see it, no phone numbers or addresses",
                                  "name");
    }
  }
  return {};
}

std::string trim(std::string_view s) { return core::trimmed(s, " \t"); }

}  // namespace

core::Status schedule_followup_on_close(storage::Database& db, const engine::EngineConfig& config,
                                        const storage::Case& closed, core::TimePoint now) {
  if (!config.followup.enabled) return {};
  auto id = storage::FollowupStore(db).schedule(closed.id, closed.contact_id, closed.municipality, "closed",
                                                now + config.followup.after_close, now);
  if (!id) return id.error();
  return {};
}

Followups::Followups(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                     PendingAudit* pending)
    : db_(db), clock_(clock), config_(config), pending_(pending), policy_(db, config.suppression_key) {}

bool Followups::may_see_case(const Actor& actor, const storage::Case& c) const {
  switch (actor.kind) {
    case PrincipalKind::municipality:
    case PrincipalKind::regional_hub:
      return policy_.in_scope(actor, c.municipality);
    case PrincipalKind::national_fallback:
      return true;
    default:
      return false;
  }
}

bool Followups::shown(const Actor& actor, const storage::Followup& f) const {
  auto verdict = policy_.check(actor, f.contact_id, {.use = campaigns::Use::list_for_municipality,
                                                     .municipality = f.municipality});
  return verdict && verdict->allowed();
}

core::Result<std::vector<storage::Followup>> Followups::for_case(const Actor& actor, std::int64_t case_id) const {
  auto c = storage::CaseStore(db_).get(case_id);
  // Not found and not yours look the same.
  if (!c || !may_see_case(actor, *c)) return core::Error::forbidden("not a case in your scope", "id");
  std::vector<storage::Followup> out;
  if (auto f = storage::FollowupStore(db_).for_case(case_id); f && shown(actor, *f)) out.push_back(*f);
  if (auto st = AuditTrail(db_, clock_, pending_).record(actor, "followups.read", "case:" + std::to_string(case_id), kPurpose);
      !st) {
    return st.error();
  }
  return out;
}

core::Result<std::vector<storage::Followup>> Followups::for_municipality(const Actor& actor, const std::string& code,
                                                                        int limit) const {
  if (auto st = require_kind(actor,
                             {PrincipalKind::municipality, PrincipalKind::regional_hub, PrincipalKind::national_fallback},
                             "read follow-ups");
      !st) {
    return st.error();
  }
  if (!policy_.in_scope(actor, code)) return core::Error::forbidden("these follow-ups are outside your scope", "municipality");
  if (limit <= 0 || limit > 1000) return core::Error::invalid("limit is 1 to 1000", "limit");
  if (auto st = AuditTrail(db_, clock_, pending_).record(actor, "followups.read", "municipality:" + code, kPurpose); !st) {
    return st.error();
  }
  std::vector<storage::Followup> out;
  for (auto& f : storage::FollowupStore(db_).for_municipality(code, limit)) {
    if (shown(actor, f)) out.push_back(std::move(f));
  }
  return out;
}

core::Result<storage::Case> Followups::name_handler(const Actor& actor, std::int64_t case_id, const std::string& raw) {
  storage::CaseStore store(db_);
  auto c = store.get(case_id);
  bool allowed = false;
  if (c) {
    if (actor.is(PrincipalKind::national_fallback)) {
      allowed = c->owner_kind == "fallback" && c->owner_code == CaseDesk(db_, clock_, config_).owner_code(actor);
    } else {
      allowed = may_see_case(actor, *c);
    }
  }
  if (!allowed) return core::Error::forbidden("not a case in your scope", "id");
  const std::string name = trim(raw);
  if (auto st = check_handler_name(name); !st) return st.error();
  auto st = db_.transaction([&]() -> core::Status {
    if (auto s = store.set_handler(case_id, name, actor.name, clock_.now()); !s) return s;
    return AuditTrail(db_, clock_).record(actor, "cases.handler", "case:" + std::to_string(case_id), kPurpose,
                                          name.empty() ? "cleared" : "named");
  });
  if (!st) return st.error();
  return store.get(case_id);
}

}  // namespace outreach::services
