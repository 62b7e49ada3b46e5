#pragma once
// Follow-ups and the case's named handler, as municipalities, hubs and the national fallback use
// them (issue 12 parts 1 and 5). The engine sends the questions and records the answers
// (engine/followup_job.h, engine/followup_answers.h); this service schedules a closed case's
// follow-up and gives the answers and the handler to the people in scope.
//
// Scope (services/contactability.h): a municipality sees its own cases' follow-ups, a hub those of
// its region, the national fallback all. Rows of people the contactability policy no longer lets
// the municipality see (STOP, erased, sharing withdrawn) are left out, as in the case list. Every
// list is audited ("followups.read"), before any row is given out.
//
// Naming a handler: the case's municipality or its region's hub; the national fallback for the
// cases it owns. The name is a first name or a short name a resident may see ("Fatima",
// "Fatima Yilmaz"): 1-60 characters, no digits, no "@" (no phone numbers or addresses).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "services/audit_trail.h"
#include "services/contactability.h"
#include "storage/case_store.h"
#include "storage/followup_store.h"

namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

// Schedules the case's one follow-up (reason "closed", due FollowupConfig::after_close after
// `now`), when follow-ups are enabled; nothing when the case has one already. Joins the caller's
// transaction (the one that closes the case).
core::Status schedule_followup_on_close(storage::Database& db, const engine::EngineConfig& config,
                                        const storage::Case& closed, core::TimePoint now);

// `db`, `clock` and `config` must outlive the service. On a reader connection pass `pending`
// (services/audit_trail.h); name_handler needs the writer.
class Followups {
 public:
  Followups(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
            PendingAudit* pending = nullptr);

  // The follow-up of one case (none yet: an empty list). Forbidden outside the actor's scope,
  // whether or not the case exists.
  core::Result<std::vector<storage::Followup>> for_case(const Actor& actor, std::int64_t case_id) const;
  // A municipality's follow-ups, newest first, at most `limit`.
  core::Result<std::vector<storage::Followup>> for_municipality(const Actor& actor, const std::string& code,
                                                                int limit) const;
  // Names (or with an empty name, clears) the case's handler. One transaction with its audit record.
  core::Result<storage::Case> name_handler(const Actor& actor, std::int64_t case_id, const std::string& name);

 private:
  bool may_see_case(const Actor& actor, const storage::Case& c) const;
  bool shown(const Actor& actor, const storage::Followup& f) const;

  storage::Database& db_;
  const core::Clock& clock_;
  const engine::EngineConfig& config_;
  PendingAudit* pending_;
  Contactability policy_;
};

}  // namespace outreach::services
