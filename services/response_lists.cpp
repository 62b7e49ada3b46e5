#include "services/response_lists.h"

#include <algorithm>

#include "engine/engine_config.h"
#include "services/audit_trail.h"
#include "storage/contact_store.h"
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

namespace {

// The first address with this scheme by id, bounced ones included (the clerk sees what we hold).
std::string first_address(const storage::Contact& person, core::UrnScheme scheme) {
  for (const auto& a : person.addresses) {
    if (a.urn.scheme() == scheme) return a.urn.path();
  }
  return {};
}

}  // namespace

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
  candidates.reserve(static_cast<std::size_t>(std::max(q.limit, 0)) + 1);
  storage::ResponseStore(db_).for_each_shared(peek, [&](storage::SharedResponse& s) {
    if (examined++ == q.limit) {
      page.more = true;
      return;
    }
    page.next_after = s.response.id;
    if (s.response.contact_id) candidates.push_back(std::move(s));
  });
  // The policy once for the page: everyone's facts in a few queries, the same decision per row.
  // The contacts it reads also give the rows their phone and e-mail.
  std::vector<std::int64_t> ids;
  for (const auto& s : candidates) ids.push_back(*s.response.contact_id);
  const auto people = storage::ContactStore(db_).get_many(ids, storage::ContactStore::Tags::skip);
  const auto verdicts =
      policy_.check_contacts(actor, people, {.use = campaigns::Use::list_for_municipality, .municipality = q.municipality});
  std::unordered_map<std::int64_t, const storage::Contact*> by_id;
  by_id.reserve(people.size());
  for (const auto& p : people) by_id.emplace(p.id, &p);
  page.rows.reserve(candidates.size());
  for (auto& s : candidates) {
    const std::int64_t id = *s.response.contact_id;
    auto verdict = verdicts.find(id);
    auto person = by_id.find(id);
    // A person without a contact row is not shown.
    if (verdict == verdicts.end() || !verdict->second.allowed() || person == by_id.end()) continue;
    s.phone = first_address(*person->second, core::UrnScheme::tel);
    s.email = first_address(*person->second, core::UrnScheme::mailto);
    page.rows.push_back(std::move(s));
  }
  return page;
}

}  // namespace outreach::services
