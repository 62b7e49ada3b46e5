#pragma once
// `outreach contacts import FILE.csv`: every good row is imported in one transaction; every bad
// row is rejected with its line number and reason, and leaves nothing behind.
// Columns (case-insensitive, any order): name, phone, email, whatsapp, language, municipality
// (CBS code), tags (';'-separated), consent (optional: "purpose@channel" or "purpose" for all
// channels, ';'-separated, recorded as consent events with source "import" and the evidence given).
// A row with an address on the suppression list (someone who opted out or was erased) is not
// imported: it is counted apart from the rejected rows, named by its line with the reason
// kSuppressedReason, never with the address.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"

namespace outreach::storage {
class Database;
class SuppressionList;
}

namespace outreach::services {

struct ImportRejection {
  int line = 0;
  std::string reason;  // "phone: '06-12' is not a valid phone number"
};

inline constexpr const char* kSuppressedReason = "suppressed: the address of a person who opted out or was erased";

struct ImportReport {
  std::string encoding;  // detected: "UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE", "Windows-1252"
  int imported = 0;
  std::vector<ImportRejection> rejected;
  std::vector<ImportRejection> suppressed;  // reason kSuppressedReason
};

struct ImportOptions {
  std::string file_name;
  std::string collector = "import";
  std::string consent_text_id = "registration-form";
  std::string consent_text_version = "1";
  // Required (not owned): rows with a suppressed address are left out. Without it nothing is imported.
  const storage::SuppressionList* suppressions = nullptr;
  // Called after each row with (rows done, rows total), e.g. for a progress bar.
  std::function<void(std::size_t, std::size_t)> progress;
};

// The bytes may be UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1252 (what Dutch
// Excel writes); they are converted to UTF-8 first (core::decode_text_file) and the report says
// which encoding was found. Undecodable bytes refuse the whole file, naming line and column.
// Errors (whole-file problems such as an unknown column) name the file and line; then nothing is imported.
core::Result<ImportReport> import_contacts(storage::Database& db, const std::string& csv_text,
                                           const ImportOptions& options, core::TimePoint now);

// The use case, for every client: a coordinator (or operator) imports a file, as its collector.
// The rows and one audit record ("contacts.import", with counts only) commit together.
core::Result<ImportReport> import_contacts(const Actor& actor, storage::Database& db, const core::Clock& clock,
                                           const std::string& csv_text, ImportOptions options);

}  // namespace outreach::services
