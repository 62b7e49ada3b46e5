#pragma once
// Moving a SQLite database into an empty PostgreSQL one (`outreach migrate --to`, issue 13).
//
// copy_database() copies every table of the source, parents before children (the source's
// foreign keys), into the target inside ONE transaction on the target: any failure rolls it all
// back and leaves the target as empty as it was. Before committing it checks that every table
// holds as many rows on both sides and that the audit log's hash chain verifies on the target.
//
// The tables and columns come from the source (sqlite_master, pragma table_info) and must match
// the target's schema exactly, table for table and column for column: a table or column one side
// has and the other lacks fails the copy by name, so a table added by a future migration is
// never skipped silently. SQLite's own tables are not copied, nor the target's schema_version.
//
// Values keep their types: NULL stays NULL, integers go to integer columns, integers and reals
// to floating-point ones, text to text (it must be valid UTF-8 without NUL bytes, which
// PostgreSQL requires: an error names the table, column and row id), blobs and text to bytea.
// Rows go in batches, one prepared INSERT .. SELECT FROM unnest(arrays) per table. Identity
// columns continue after the highest copied id, so new rows get fresh ids.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"

namespace outreach::storage {

class Database;

struct TableCount {
  std::string table;
  std::int64_t source_rows = 0;
  std::int64_t target_rows = 0;
};

struct CopyReport {
  std::vector<TableCount> tables;   // in the order copied
  std::int64_t rows = 0;            // all tables together
  std::int64_t audit_records = 0;   // the audit log's records, its chain verified on the target
};

struct CopyOptions {
  // Rows per INSERT; also bounded by the bytes a batch holds (16 MiB).
  std::size_t batch_rows = 5000;
  // Called after each table is copied and its rows counted equal on both sides, for progress output.
  std::function<void(const std::string& table, std::int64_t rows)> on_table;
  // A last check on the copied target, inside its transaction before the commit (the signed audit
  // checkpoints): an error rolls the copy back like any other.
  std::function<core::Status(Database& target)> before_commit;
};

// The source's tables in copy order: each after the tables its foreign keys name (then by name).
// Fails when the foreign keys form a cycle.
core::Result<std::vector<std::string>> copy_order(Database& source);

// Copies `source` (SQLite, at the latest schema version) into `target` (PostgreSQL, migrated to
// the latest version, every table empty). Errors: invalid when either side is the wrong kind or
// version, or a value cannot go to PostgreSQL (naming table, column and row id); conflict when a
// target table already has rows (naming it); internal when the schemas differ, the counts differ
// or the audit chain does not verify on the target. On any error the target is left as it was.
core::Result<CopyReport> copy_database(Database& source, Database& target, const CopyOptions& options = {});

}  // namespace outreach::storage
