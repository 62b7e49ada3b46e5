#pragma once
// What volunteers and intermediaries report after approaching a person: structured outcome first,
// an optional short note (at most 280 bytes; no case narrative), and the follow-up wish.
// Append-only.

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

// reached_wants_help, reached_no_help, not_reached, wrong_number, asked_no_contact.
bool is_contact_outcome(const std::string& outcome);
// phone, sms, whatsapp, email, visit, in_person, other.
bool is_contact_mode(const std::string& mode);

constexpr std::size_t kMaxContactNote = 280;

struct ContactLog {
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  std::string collector;  // principal name
  std::string mode;
  std::string outcome;
  std::string follow_up;  // free short text, e.g. "call back after 18:00"; may be empty
  std::string note;
  core::TimePoint at{};
};

// One person's entry in an intermediary's report back (see channels/intermediary_connector.h).
struct IntermediaryReportKey {
  std::string intermediary;
  std::string batch_id;
  std::string ref;
  std::string outcome;
};

// `db` must outlive the store.
class ContactLogStore {
 public:
  explicit ContactLogStore(Database& db) : db_(db) {}
  ContactLogStore(const ContactLogStore&) = delete;
  ContactLogStore& operator=(const ContactLogStore&) = delete;

  // Checks mode, outcome and note length (invalid_input naming the field), then appends.
  core::Result<std::int64_t> add(const ContactLog& log);
  std::vector<ContactLog> for_contact(std::int64_t contact_id) const;
  // One collector's logs, newest first, at most `limit`.
  core::Result<std::vector<ContactLog>> by_collector(const std::string& collector, int limit) const;
  std::int64_t count() const;

  // Whether this report entry was recorded before (an intermediary may deliver a report twice).
  bool has_intermediary_report(const IntermediaryReportKey& key) const;
  // Marks the entry recorded, as contact log `contact_log_id`.
  core::Status link_intermediary_report(const IntermediaryReportKey& key, std::int64_t contact_log_id,
                                        core::TimePoint at);

 private:
  Database& db_;
};

}  // namespace outreach::storage
