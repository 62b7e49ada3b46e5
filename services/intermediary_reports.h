#pragma once
// An intermediary reports back about the people of a digest it received: one entry per person
// (ref = the outbox message id), recorded whole or not at all. Rules, in this order per entry:
//  1. the ref must be a message of that batch sent to that intermediary (else the whole report is
//     refused, naming the entry; unknown and someone else's look the same);
//  2. a person erased since the digest went out: nothing is recorded about them, the rest is;
//  3. an entry already recorded (same intermediary, batch, ref, outcome) is not recorded again;
//  4. otherwise a contact log with its consent evidence (services/field_reports.h).
// Erasure keeps an intermediary row's own address and batch id (they are the intermediary's, not
// the person's), so the ownership check comes first and tells a prober nothing.

#include <cstdint>
#include <string>

#include "channels/intermediary_connector.h"
#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"

namespace outreach::storage {
class Database;
}

namespace outreach::services {

struct ReportOutcome {
  int recorded = 0;
  int duplicates = 0;
  int erased = 0;
  int cases = 0;
};

// `db` and `clock` must outlive the service. The caller verified the report's signature.
class IntermediaryReports {
 public:
  // suppression_key: ServerSecret::derive("suppression") (services/field_reports.h).
  IntermediaryReports(storage::Database& db, const core::Clock& clock, int case_sla_working_days,
                      std::string suppression_key)
      : db_(db), clock_(clock), sla_days_(case_sla_working_days), suppression_key_(std::move(suppression_key)) {}

  core::Result<ReportOutcome> record(const std::string& intermediary_key, const channels::IntermediaryReport& report);

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  int sla_days_;
  std::string suppression_key_;
};

}  // namespace outreach::services
