#include "services/response_lists.h"

#include "engine/engine_config.h"
#include "services/audit_trail.h"
#include "storage/database.h"

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

}  // namespace outreach::services
