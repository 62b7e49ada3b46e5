#pragma once
// What the volunteer's pages read and the idempotency keys of the forms they post
// (services/field_visits.h owns the rules): the messages that reached one person, the municipalities and languages in a volunteer's scope, and form_submissions
// (migration 13). Errors are core::Error (storage_error for SQLite failures).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

// One message that left for a person (sent, delivered or read).
struct SentMessage {
  std::int64_t id = 0;
  std::int64_t campaign_id = 0;
  int campaign_version = 0;
  int step = 0;
  std::string channel;
  std::optional<core::TimePoint> sent_at;
};

struct MunicipalityName {
  std::string code;
  std::string name;
};

// `db` must outlive the store.
class FieldVisitStore {
 public:
  explicit FieldVisitStore(Database& db) : db_(db) {}
  FieldVisitStore(const FieldVisitStore&) = delete;
  FieldVisitStore& operator=(const FieldVisitStore&) = delete;

  // Oldest first.
  core::Result<std::vector<SentMessage>> sent_to(std::int64_t contact_id) const;
  // The municipalities named in `scope_items` (CBS codes) or in their regions (region codes),
  // by name.
  core::Result<std::vector<MunicipalityName>> municipalities_in(const std::vector<std::string>& scope_items) const;
  // The languages of living people in these municipalities, sorted.
  core::Result<std::vector<std::string>> languages_in(const std::vector<std::string>& municipality_codes) const;

  // What the form with `key` recorded, or nullopt when it was not posted before.
  core::Result<std::optional<std::string>> submission(const std::string& key) const;
  core::Status add_submission(const std::string& key, const std::string& actor, const std::string& action,
                              const std::string& result, core::TimePoint at);

 private:
  Database& db_;
};

}  // namespace outreach::storage
