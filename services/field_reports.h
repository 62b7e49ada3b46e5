#pragma once
// What a volunteer or an intermediary reports after approaching a person, recorded as one unit:
//  - the contact log (structured outcome first, a short note, the follow-up wish);
//  - the consent the person gave, with its evidence (who collected it, which text and version, in
//    which language, from which report), unless one of the person's addresses is on the
//    suppression list (they opted out, or the address was an erased person's): then no consent is
//    recorded from a report (only the person can undo a STOP, by START) and consent_refused says so;
//  - do-not-contact when the person asked for no contact;
//  - when the person wants help and consents to sharing with their own municipality: a response on
//    that municipality's list and an open case, exactly as a JA reply would give.
// The caller holds the transaction (a report of many people is recorded whole or not at all).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "storage/contact_log_store.h"

namespace outreach::storage {
class Database;
}

namespace outreach::services {

struct ConsentGiven {
  std::vector<std::string> purposes;  // "outreach", "peer-contact", "share:GM0599"
  std::string text_id;                // the consent text the person was shown or read
  std::string text_version;
  std::string language;
};

struct FieldReport {
  storage::ContactLog log;  // contact_id, collector, mode, outcome, follow_up, note, at
  std::optional<ConsentGiven> consent;
  std::string source;  // consent evidence: "volunteer", "intermediary"
  std::string origin;  // consent evidence: "contact-log", "intermediary-report:<batch id>"
  std::optional<std::int64_t> campaign_id;
  std::optional<std::int64_t> message_id;  // the outbox row that asked for the contact
};

struct RecordedFieldReport {
  std::int64_t contact_log_id = 0;
  std::vector<std::int64_t> consent_events;
  std::optional<std::int64_t> response_id;  // set when the municipality now sees the person
  std::optional<std::int64_t> case_id;
  // Why the consent given was not recorded, or empty: "suppressed".
  std::string consent_refused;
};

// `db` must outlive it. case_sla_working_days: when a new case is due for acknowledgement.
// suppression_key: ServerSecret::derive("suppression"); without it a report with consent fails.
class FieldReports {
 public:
  FieldReports(storage::Database& db, int case_sla_working_days, std::string suppression_key)
      : db_(db), sla_days_(case_sla_working_days), suppression_key_(std::move(suppression_key)) {}

  // Errors name the field ("note: longer than 280 bytes", "contact_id: no such contact"); an
  // erased person is not_found too: nothing new is recorded about them.
  core::Result<RecordedFieldReport> record(const FieldReport& report);

 private:
  storage::Database& db_;
  int sla_days_;
  std::string suppression_key_;
};

}  // namespace outreach::services
