#include "services/audit_trail.h"

#include <algorithm>

#include "storage/audit_log.h"
#include "storage/database.h"

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
  if (pending_) {
    pending_->records.push_back(std::move(r));
    return {};
  }
  if (db_.read_only()) {
    return core::Error::internal("audit record '" + action + "' has no writer on a read-only connection");
  }
  auto id = storage::AuditLog(db_).append(r);
  if (!id) return id.error();
  return {};
}

core::Status append_pending(storage::Database& writer, const PendingAudit& pending) {
  if (pending.records.empty()) return {};
  return writer.transaction([&]() -> core::Status {
    storage::AuditLog log(writer);
    for (const auto& r : pending.records) {
      auto id = log.append(r);
      if (!id) return id.error();
    }
    return {};
  });
}

}  // namespace outreach::services
