#pragma once
// Safety-net flags (issue 12 part 3): a rule of engine/safety_net.h that holds for a municipality,
// with the evidence it saw (a small JSON object of aggregate counts: never a person), what it did
// (flag only, or route new cases to the hub or the fallback), and when it was raised, last checked
// and cleared. Beside the flags, the evidence queries the rules read, for every municipality at
// once (one GROUP BY per figure, so an evaluation costs a few scans however many municipalities).
// Invariant: at most one open flag per (municipality, rule) (a unique index).
//
// `db` must outlive the store.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct SafetyFlag {
  std::int64_t id = 0;
  std::string municipality;
  std::string rule;      // "unacknowledged_past_sla", "no_active_outreach"
  std::string status;    // "open", "cleared"
  std::string evidence;  // JSON object of counts
  std::string action;    // "flag_only", "route_hub", "route_fallback"
  core::TimePoint raised_at{};
  core::TimePoint checked_at{};
  std::optional<core::TimePoint> cleared_at;
  std::string cleared_by;
  std::string cleared_reason;
};

// Rule "unacknowledged_past_sla": cases opened for the municipality itself (not routed) in the
// window whose SLA has come due: `missed` were escalated for no_municipal_action or are still open
// past their SLA; `met` were acknowledged without that.
struct SlaEvidence {
  std::int64_t missed = 0;
  std::int64_t met = 0;
  std::int64_t due() const { return missed + met; }
};

// Rule "no_active_outreach": people known (not erased, not do-not-contact) since before the
// quiet period, and what happened to the municipality's people since: messages sent, contact
// logs, case actions (acknowledged, in_contact, closed).
struct OutreachEvidence {
  std::int64_t people_known = 0;
  std::int64_t messages_sent = 0;
  std::int64_t contact_logs = 0;
  std::int64_t case_actions = 0;
  std::int64_t activity() const { return messages_sent + contact_logs + case_actions; }
};

class SafetyFlags {
 public:
  explicit SafetyFlags(Database& db) : db_(db) {}
  SafetyFlags(const SafetyFlags&) = delete;
  SafetyFlags& operator=(const SafetyFlags&) = delete;

  // The open flag of (municipality, rule), if any.
  core::Result<std::optional<SafetyFlag>> open_flag(const std::string& municipality, const std::string& rule) const;
  // Raises a flag. Errors: conflict when one is open for (municipality, rule). Joins the caller's transaction.
  core::Result<std::int64_t> raise(const std::string& municipality, const std::string& rule, const std::string& evidence,
                                   const std::string& action, core::TimePoint now);
  // The rule still holds: new evidence, checked now.
  core::Status refresh(std::int64_t id, const std::string& evidence, core::TimePoint now);
  // open -> cleared. Errors: not_found when `id` is not an open flag.
  core::Status clear(std::int64_t id, const std::string& by, const std::string& reason, core::TimePoint now);
  // Flags newest first; only open ones unless `include_cleared`; only `municipalities` when not empty.
  core::Result<std::vector<SafetyFlag>> list(bool include_cleared, const std::vector<std::string>& municipalities = {}) const;

  // Evidence per municipality code; municipalities with nothing to count are absent.
  // Cases opened at or after max(since, the municipality's last route lift).
  core::Result<std::map<std::string, SlaEvidence>> sla_evidence(core::TimePoint since, core::TimePoint now) const;
  // People created at or before `known_before`; activity at or after `since`.
  core::Result<std::map<std::string, OutreachEvidence>> outreach_evidence(core::TimePoint known_before,
                                                                          core::TimePoint since) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
