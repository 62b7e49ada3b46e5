#pragma once
// Cases: a person who asked for help and consented to sharing, owned by their municipality until
// it acts. State machine (enforced here):
//   open -> acknowledged -> in_contact -> closed
//   open -> escalated_hub -> escalated_fallback   (SLA missed; owner moves to the hub, then national)
//   escalated_* -> acknowledged (by the new owner) ; anything but closed -> closed
// A case is closed with an outcome (is_case_outcome), kept on the case and on the closing event.
// Invariant: at most one case that is not closed per (contact, municipality).

#include <cstdint>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

// How a case ended: helped (support arranged), referred (to another organisation), no_help_needed,
// not_reached, declined (the person wants no contact), other.
bool is_case_outcome(const std::string& outcome);
const std::vector<std::string>& case_outcomes();

struct Case {
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  std::string municipality;
  std::optional<std::int64_t> campaign_id;
  std::string status;      // open, acknowledged, in_contact, closed, escalated_hub, escalated_fallback
  std::string owner_kind;  // municipality, hub, fallback
  std::string owner_code;  // CBS code of the owner, or the fallback owner's name
  core::TimePoint opened_at{};
  std::optional<core::TimePoint> sla_due_at;
  std::optional<core::TimePoint> acknowledged_at;
  std::optional<core::TimePoint> closed_at;
  std::string handler_name;  // the named person at the municipality ("a face"); empty when none
  std::string outcome;       // set when closed (is_case_outcome); empty before, and after a reopen
  std::string routed_by;     // why a new case went to the hub or fallback ("safety_net", "delegated"); empty
};

struct CaseEvent {
  core::TimePoint at{};
  std::string actor;
  std::string status;
  std::string owner_code;
  std::string note;
  std::string outcome;  // on the event that closed the case
};

// One row of an owner's case list: the case and the person's details as stored (the caller
// applies the contactability policy before showing any of it).
struct CaseRow {
  Case c;
  std::string name;
  std::string language;
  std::string phone;  // first tel: address, without the scheme ("+31612345678"); empty when none
  std::string email;  // first mailto: address; empty when none
};

// Filter for an owner's cases, in case id order from `after_id` (a keyset cursor).
struct CaseQuery {
  std::string owner_kind;  // municipality, hub, fallback
  std::string owner_code;
  std::vector<std::string> statuses;         // empty: every status
  std::optional<core::TimePoint> due_before;  // only cases whose SLA ran out at this time
  std::string municipality;                  // empty: every municipality
  std::string name_contains;                 // empty: any name; otherwise a substring (ASCII case-insensitive)
  std::int64_t after_id = 0;
  int limit = 50;
};

// `db` must outlive the store.
class CaseStore {
 public:
  explicit CaseStore(Database& db) : db_(db) {}
  CaseStore(const CaseStore&) = delete;
  CaseStore& operator=(const CaseStore&) = delete;

  // Cases per status ("open" -> 3, ...); statuses with no cases are absent.
  std::map<std::string, std::int64_t> count_by_status() const;

  // Opens a case owned by the municipality, or by whoever its active route names (its hub, with
  // `sla_due`, or the national fallback, without SLA: storage/case_routes.h), or returns the id of
  // the one already open.
  core::Result<std::int64_t> open(std::int64_t contact_id, const std::string& municipality,
                                  std::optional<std::int64_t> campaign_id, core::TimePoint now,
                                  core::TimePoint sla_due, const std::string& actor);
  core::Result<Case> get(std::int64_t id) const;
  // acknowledged, in_contact or closed, by the current owner (checked by the caller). `outcome`
  // only with closed, where it is required (invalid_input naming "outcome" otherwise).
  core::Status set_status(std::int64_t id, const std::string& status, const std::string& actor,
                          core::TimePoint now, const std::string& note = {}, const std::string& outcome = {});
  // Open cases whose owner was not told about them yet, oldest first (at most `limit`).
  std::vector<Case> opened_unnotified(int limit) const;
  // Records that the owner of case `id` was told about it, once: returns false, changing nothing,
  // when that was recorded already (another engine told the owner first). Joins the caller's
  // transaction, whose notice it guards.
  core::Result<bool> mark_owner_notified(std::int64_t id, core::TimePoint now);
  // Cases whose SLA ran out while nobody acknowledged them.
  std::vector<Case> due_for_escalation(core::TimePoint now) const;
  // Moves case `id` from the state it is in now, with a case event. Errors: conflict when that
  // state cannot go to `status` (may only go upward), or the case changed while this ran.
  core::Status escalate(std::int64_t id, const std::string& status, const std::string& owner_kind,
                        const std::string& owner_code, std::optional<core::TimePoint> sla_due, core::TimePoint now,
                        const std::string& reason);
  // The same move as a compare-and-set on the state the caller read: case `seen.id` moves only
  // while its status, owner and SLA are still those of `seen`. Returns false, writing nothing, when
  // they are not (another engine moved it, or somebody acknowledged, closed or reopened it, since
  // `seen` was read); the Escalator writes its audit record and notice only on true. Joins the
  // caller's transaction (on PostgreSQL a concurrent mover waits for it, then finds the case changed).
  // Errors: conflict when seen.status cannot go to `status`.
  core::Result<bool> escalate_from(const Case& seen, const std::string& status, const std::string& owner_kind,
                                   const std::string& owner_code, std::optional<core::TimePoint> sla_due,
                                   core::TimePoint now, const std::string& reason);
  // Names the person handling the case (empty clears it), with a case event. Any state.
  core::Status set_handler(std::int64_t id, const std::string& handler_name, const std::string& actor,
                           core::TimePoint now);
  // Back to `open` for the case's own municipality (a low follow-up score or a complaint), with a
  // new SLA; the owner counts as told (the caller queues its own notice). When the person has
  // another case open for that municipality meanwhile, that one stays and gets the event instead.
  // Returns the id of the case that is open now.
  core::Result<std::int64_t> reopen(std::int64_t id, core::TimePoint sla_due, const std::string& actor,
                                    core::TimePoint now, const std::string& note);
  std::vector<Case> for_owner(const std::string& owner_code) const;
  // One page of an owner's cases with the people's details (at most q.limit rows), in id order.
  core::Result<std::vector<CaseRow>> page(const CaseQuery& q) const;
  // One case with the person's details; not_found when there is none.
  core::Result<CaseRow> row(std::int64_t id) const;
  std::vector<Case> for_contact(std::int64_t contact_id) const;
  std::vector<CaseEvent> history(std::int64_t id) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
