#include "services/audit_trail.h"

#include <algorithm>

#include "storage/audit_log.h"

namespace outreach::services {

core::Status require_kind(const Actor& actor, std::initializer_list<storage::PrincipalKind> kinds,
                          std::string_view what) {
  if (std::find(kinds.begin(), kinds.end(), actor.kind) != kinds.end()) return {};
  return core::Error::forbidden("'" + actor.name + "' (" + storage::to_string(actor.kind) + ") may not " +
                                std::string(what));
}

core::Status AuditTrail::record(const Actor& actor, const std::string& action, const std::string& subject,
                                const std::string& purpose, const std::string& detail) {
  storage::AuditRecord r;
  r.at = clock_.now();
  r.actor = actor.name;
  r.action = action;
  r.subject = subject;
  r.purpose = purpose;
  r.request_id = actor.request_id;
  r.detail = actor.via.empty() ? detail : (detail.empty() ? "via=" + actor.via : detail + " via=" + actor.via);
  auto id = storage::AuditLog(db_).append(r);
  if (!id) return id.error();
  return {};
}

}  // namespace outreach::services
