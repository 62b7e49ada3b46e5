#pragma once
// How a service records what an actor did or read: one storage::AuditLog record per subject, with
// the actor, the purpose and the request id the client gave. Appends join the caller's
// transaction, so a change and its record commit together; a read whose record cannot be written
// is not returned (the service answers the error instead).
// A read served on a reader connection (storage::Database::open_reader) cannot write: its trail
// collects the records in a PendingAudit instead, and whoever runs the read hands them to the writer
// (append_pending) and gives out the data only once they are committed.
// Also: the role check every service starts with.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "storage/audit_log.h"

namespace outreach::storage {
class Database;
}

namespace outreach::services {

// forbidden unless the actor is one of `kinds`; the message names the actor's kind and `what`.
core::Status require_kind(const Actor& actor, std::initializer_list<storage::PrincipalKind> kinds,
                          std::string_view what);

// Records a read made on a reader connection, for the writer to append. Plain data.
struct PendingAudit {
  std::vector<storage::AuditRecord> records;
};
// Appends every pending record on the writer connection in one transaction (nested in the caller's
// when there is one). Clears nothing: the caller drops `pending` when done.
core::Status append_pending(storage::Database& writer, const PendingAudit& pending);

// `db` and `clock` (and `pending`, when given) must outlive the trail. With `pending` the records go
// there instead of into `db`; without it on a read-only connection, record() fails (internal), so
// a read is never given out unaudited.
class AuditTrail {
 public:
  AuditTrail(storage::Database& db, const core::Clock& clock, PendingAudit* pending = nullptr)
      : db_(db), clock_(clock), pending_(pending) {}

  // action "responses.read", subject "municipality:GM0599", purpose "brede-ondersteuning".
  core::Status record(const Actor& actor, const std::string& action, const std::string& subject,
                      const std::string& purpose, const std::string& detail = {});

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  PendingAudit* pending_;
};

}  // namespace outreach::services
