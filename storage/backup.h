#pragma once
// A consistent online copy of the database with SQLite's online backup API (sqlite3_backup_*),
// taken while an engine may be writing to it:
//   - the copy is made in steps of `pages_per_step` pages with a short pause between them, so a
//     writer in another process waits at most one step (in WAL mode it does not wait at all); when
//     writes keep restarting the copy (SQLite restarts a stepwise backup after a change by another
//     connection), after `max_restarts` it copies the rest in one step, which in WAL mode holds a
//     read snapshot without blocking the writer;
//   - it is written to "<dest>.partial-<pid>" and renamed to `dest` only when complete and checked
//     (PRAGMA quick_check), so a crash or a full disk never leaves a half-written `dest`;
//   - an existing `dest` is refused unless `overwrite`; the copy is a single file (journal DELETE),
//     mode 0600 (it holds the same personal data as the database).
// It copies the database only: the server secret and the audit checkpoint file are files of their
// own (app/ copies them beside the backup).

#include <chrono>
#include <string>

#include "core/error.h"

namespace outreach::storage {

class Database;

struct BackupOptions {
  bool overwrite = false;
  int pages_per_step = 256;
  std::chrono::milliseconds pause{2};
  int max_restarts = 3;
};

struct BackupReport {
  long long pages = 0;     // pages in the copy
  long long bytes = 0;     // size of the copy
  int steps = 0;
  int restarts = 0;        // times a write by another connection restarted the copy
  bool finished_in_one_step = false;
};

core::Result<BackupReport> backup_database(Database& source, const std::string& dest, const BackupOptions& options = {});

}  // namespace outreach::storage
