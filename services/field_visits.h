#pragma once
// What a volunteer (or an intermediary's key person) does on the web pages, as use cases: see one
// person they hold (name, language, what our messages said to them, the campaign's talking points,
// the consent text to read out), record a contact with the consent given, list their own logs, and
// the choices for asking a batch. Rules:
//  1. only the holder sees or reports a person (services/assignments.h); anyone else gets the same
//     forbidden "not assigned to you", whether or not the person exists;
//  2. a report is recorded exactly as the API's POST /v1/contact-logs records it
//     (services/field_reports.h: log, consent with its evidence, do-not-contact, case), in one
//     transaction with its audit record (contact_logs.create, purpose peer-contact);
//  3. a form's idempotency key is recorded with the report: posting the same form again (a double
//     tap, a retry after a dropped connection) records nothing and answers what the first post
//     recorded (RecordedVisit::repeated);
//  4. every read of personal data is audited (contacts.read, contact_logs.read).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "services/assignments.h"
#include "storage/contact_log_store.h"

namespace outreach::storage {
class Database;
}
namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

// The consent text a volunteer reads out: in the person's language when we have it, else Dutch
// (`language` says which was shown, and is what the evidence records).
struct ConsentPurposeText {
  std::string purpose;  // "peer-contact", "share:GM0599", "outreach"
  std::string label;
};
struct ConsentText {
  std::string id = "volunteer-consent";
  std::string version;
  std::string language;
  std::string intro;
  std::vector<ConsentPurposeText> purposes;
};
ConsentText consent_text(const std::string& language, const std::string& municipality_code);

struct ReceivedMessage {
  std::string campaign_name;
  std::string channel;
  std::optional<core::TimePoint> sent_at;
  std::string text;  // as rendered for the person (re-rendered from the campaign version sent)
};

struct PersonVisit {
  AssignedPerson person;
  std::vector<ReceivedMessage> messages;
  std::string talking_points;  // one point per line; empty when no campaign has any
  ConsentText consent;
  std::vector<storage::ContactLog> my_logs;  // this actor's earlier logs about the person
};

struct VisitReport {
  std::int64_t contact_id = 0;
  std::string mode = "visit";  // storage::is_contact_mode
  std::string outcome;         // storage::is_contact_outcome
  std::string note;            // at most 280 bytes
  std::string follow_up;
  std::vector<std::string> purposes;  // consent given: purposes offered by consent_text()
  std::string consent_version;        // the ConsentText shown
  std::string consent_language;
  std::string form_key;  // the idempotency key (8 to 64 characters)
};

struct RecordedVisit {
  std::int64_t contact_log_id = 0;
  std::optional<std::int64_t> case_id;
  std::string consent_refused;  // "suppressed", or empty
  bool repeated = false;        // the form was posted before: nothing new was recorded
};

struct BatchChoices {
  std::vector<std::pair<std::string, std::string>> municipalities;  // code, name
  std::vector<std::string> languages;
  int cap = 0;
  int held = 0;
};

// `db`, `clock` and `config` must outlive the service.
class FieldVisits {
 public:
  FieldVisits(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
              int case_sla_working_days);

  // `ui_language` picks the talking points' language (else nl).
  core::Result<PersonVisit> person(const Actor& actor, std::int64_t contact_id, const std::string& ui_language);
  core::Result<RecordedVisit> record(const Actor& actor, const VisitReport& report);
  core::Result<std::vector<storage::ContactLog>> my_logs(const Actor& actor, int limit);
  core::Result<BatchChoices> batch_choices(const Actor& actor);

 private:
  Assignments assignments();

  storage::Database& db_;
  const core::Clock& clock_;
  const engine::EngineConfig& config_;
  int sla_days_;
};

}  // namespace outreach::services
