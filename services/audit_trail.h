#pragma once
// How a service records what an actor did or read: one storage::AuditLog record per subject, with
// the actor, the purpose and the request id the client gave. Appends join the caller's
// transaction, so a change and its record commit together; a read whose record cannot be written
// is not returned (the service answers the error instead).
// Also: the role check every service starts with.

#include <initializer_list>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"

namespace outreach::storage {
class Database;
}

namespace outreach::services {

// forbidden unless the actor is one of `kinds`; the message names the actor's kind and `what`.
core::Status require_kind(const Actor& actor, std::initializer_list<storage::PrincipalKind> kinds,
                          std::string_view what);

// `db` and `clock` must outlive the trail.
class AuditTrail {
 public:
  AuditTrail(storage::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  // action "responses.read", subject "municipality:GM0599", purpose "brede-ondersteuning".
  core::Status record(const Actor& actor, const std::string& action, const std::string& subject,
                      const std::string& purpose, const std::string& detail = {});

 private:
  storage::Database& db_;
  const core::Clock& clock_;
};

}  // namespace outreach::services
