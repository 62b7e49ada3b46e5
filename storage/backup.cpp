#include "storage/backup.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <thread>

#include "storage/database.h"

namespace outreach::storage {

namespace fs = std::filesystem;

namespace {

void remove_db_files(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
}

// Closes the connection when it goes out of scope.
struct Handle {
  sqlite3* db = nullptr;
  ~Handle() {
    if (db) sqlite3_close_v2(db);
  }
};

core::Error sqlite_failure(sqlite3* db, const std::string& what, const std::string& where) {
  std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
  if (db && (sqlite3_errcode(db) == SQLITE_FULL || sqlite3_extended_errcode(db) == SQLITE_IOERR_WRITE))
    msg += " (is the disk of the backup full?)";
  return core::Error::internal(msg, where);
}

}  // namespace

core::Result<BackupReport> backup_database(Database& source, const std::string& dest, const BackupOptions& options) {
  if (dest.empty()) return core::Error::invalid("no backup file given", "FILE");
  if (fs::exists(dest) && !options.overwrite)
    return core::Error::conflict(dest + " exists; give --force to overwrite it", "FILE");
  // SQLite only (its online backup API); a PostgreSQL database is backed up with pg_dump.
  if (source.dialect() != Dialect::sqlite)
    return core::Error::invalid("backup copies a SQLite database; back up PostgreSQL with pg_dump", "--db");
  if (source.path() == ":memory:") return core::Error::invalid("an in-memory database has nothing to back up", "--db");
  std::error_code same_ec;
  if (fs::exists(dest) && fs::equivalent(dest, source.path(), same_ec))
    return core::Error::invalid(dest + " is the database itself", "FILE");

  const std::string partial = dest + ".partial-" + std::to_string(::getpid());
  remove_db_files(partial);
  BackupReport report;
  {
    Handle out;
    if (sqlite3_open_v2(partial.c_str(), &out.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      auto e = sqlite_failure(out.db, "cannot create the backup", partial);
      remove_db_files(partial);
      return e;
    }
    sqlite3_backup* b = sqlite3_backup_init(out.db, "main", source.sqlite().getHandle(), "main");
    if (!b) {
      auto e = sqlite_failure(out.db, "cannot start the backup", partial);
      remove_db_files(partial);
      return e;
    }
    int rc = SQLITE_OK;
    int last_remaining = INT_MAX;
    bool one_step = false;
    while (true) {
      rc = sqlite3_backup_step(b, one_step ? -1 : options.pages_per_step);
      ++report.steps;
      const int remaining = sqlite3_backup_remaining(b);
      if (remaining > last_remaining) ++report.restarts;  // another connection wrote: SQLite started over
      last_remaining = remaining;
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
      if (report.restarts >= options.max_restarts) one_step = report.finished_in_one_step = true;
      std::this_thread::sleep_for(options.pause);  // lets the writer in
    }
    report.pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
      auto e = sqlite_failure(out.db, "backup of " + source.path() + " failed", partial);
      remove_db_files(partial);
      return e;
    }
    // One self-contained file, checked before it takes the backup's name.
    char* err = nullptr;
    if (sqlite3_exec(out.db, "PRAGMA journal_mode = DELETE", nullptr, nullptr, &err) != SQLITE_OK) {
      std::string what = err ? err : "journal_mode";
      sqlite3_free(err);
      remove_db_files(partial);
      return core::Error::internal("cannot finish the backup: " + what, partial);
    }
    sqlite3_stmt* check = nullptr;
    std::string verdict;
    if (sqlite3_prepare_v2(out.db, "PRAGMA quick_check", -1, &check, nullptr) == SQLITE_OK &&
        sqlite3_step(check) == SQLITE_ROW) {
      verdict = reinterpret_cast<const char*>(sqlite3_column_text(check, 0));
    }
    sqlite3_finalize(check);
    if (verdict != "ok") {
      remove_db_files(partial);
      return core::Error::internal("the copy failed its check: " + (verdict.empty() ? sqlite3_errmsg(out.db) : verdict),
                                   partial);
    }
  }
  std::error_code ec;
  report.bytes = static_cast<long long>(fs::file_size(partial, ec));
  // The copy holds the same personal data as the database: readable by its owner only.
  fs::permissions(partial, fs::perms::owner_read | fs::perms::owner_write, ec);
  if (options.overwrite) {
    remove_db_files(dest);
    fs::rename(partial, dest, ec);
    if (ec) {
      remove_db_files(partial);
      return core::Error::internal("cannot move the backup into place: " + ec.message(), dest);
    }
  } else {
    // link() refuses to replace a file that appeared meanwhile: never overwrite without --force.
    if (::link(partial.c_str(), dest.c_str()) != 0) {
      const int err = errno;
      remove_db_files(partial);
      if (err == EEXIST) return core::Error::conflict(dest + " exists; give --force to overwrite it", "FILE");
      return core::Error::internal(std::string("cannot move the backup into place: ") + std::strerror(err), dest);
    }
    remove_db_files(partial);
  }
  return report;
}

}  // namespace outreach::storage
