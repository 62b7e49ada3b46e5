#pragma once
// Error reports (migration 8): someone found an error in the process about one person (the wrong
// person, a wrong letter, the wrong municipality). While a report about a person is open, nothing
// is sent to them (the contactability policy reads has_open / open_contacts, campaigns/
// contactability.h); a coordinator resolves it with a resolution.
//   open -> resolved   (once; resolved_at, resolved_by, resolution set)
// Invariants:
//  1. a report belongs to one contact; description and resolution are personal data, cleared by
//     ContactStore::erase;
//  2. a resolved report is never reopened: a new error is a new report.
// Reads return what is stored; a missing id is not_found. `db` must outlive the store.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

// The kinds the table allows; parse_error_kind refuses anything else.
enum class ErrorKind { wrong_person, wrong_letter, wrong_municipality, other };
const char* to_string(ErrorKind k);
core::Result<ErrorKind> parse_error_kind(const std::string& text);

struct ErrorReport {
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  std::string municipality;                // the person's CBS code when reported; may be empty
  std::optional<std::int64_t> case_id;     // the person's case at the time, if any
  std::string reporter_kind;               // "person", "coordinator", "municipality", "volunteer", ...
  std::string reporter;                    // principal name, or "inbound:sms" for the person
  ErrorKind kind = ErrorKind::other;
  std::string description;                 // short; may be empty
  std::string status = "open";             // open, resolved
  core::TimePoint opened_at{};
  core::TimePoint sla_due_at{};
  std::optional<core::TimePoint> resolved_at;
  std::string resolved_by;
  std::string resolution;
};

struct ErrorReportFilter {
  std::optional<std::string> status;       // "open" or "resolved"; none: both
  std::optional<std::string> municipality; // CBS code
  bool overdue_only = false;               // open and past sla_due_at at `now`
  int limit = 200;
};

class ErrorReportStore {
 public:
  explicit ErrorReportStore(Database& db) : db_(db) {}
  ErrorReportStore(const ErrorReportStore&) = delete;
  ErrorReportStore& operator=(const ErrorReportStore&) = delete;

  // Inserts `r` as open (id and status ignored); returns its id. Joins the caller's transaction.
  core::Result<std::int64_t> open(const ErrorReport& r);
  core::Result<ErrorReport> get(std::int64_t id) const;
  // The open report of `contact_id` filed by `reporter`, if any (a second FOUT adds nothing).
  core::Result<std::optional<std::int64_t>> open_by(std::int64_t contact_id, const std::string& reporter) const;
  // open -> resolved; conflict when it is resolved already, not_found when there is no such report.
  core::Status resolve(std::int64_t id, const std::string& by, const std::string& resolution, core::TimePoint now);
  // Whether any report about the person is open.
  core::Result<bool> has_open(std::int64_t contact_id) const;
  // Every contact with an open report (launch and preview ask once for a whole audience).
  core::Result<std::set<std::int64_t>> open_contacts() const;
  // Oldest first (open reports by SLA due, then resolved ones by opening time).
  core::Result<std::vector<ErrorReport>> list(const ErrorReportFilter& filter, core::TimePoint now) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
