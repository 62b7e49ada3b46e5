#pragma once
// The SQLite database: one file, WAL journal, foreign keys on, secure_delete on (deleted rows are
// overwritten, so an erasure leaves nothing in free pages), a busy timeout, and numbered
// migrations applied on open inside one transaction each (schema_version records the last one).
//
// A Database owns its connection; stores take a Database& that must outlive them. Not thread-safe:
// one writer owns a connection (the engine's strand, or one CLI command). Readers beside it open
// their own read-only connections (open_reader): WAL lets them read the last committed state while
// the writer writes, each on its own thread.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "storage/sql.h"

namespace SQLite {
class Database;
class Statement;
}

namespace outreach::storage {

// A prepared statement borrowed from Database::cached(): reset and unbound when it goes out of
// scope. Use it within one call; do not keep it.
class CachedStatement {
 public:
  CachedStatement(SQLite::Statement* shared, std::unique_ptr<SQLite::Statement> own, bool* in_use);
  ~CachedStatement();
  CachedStatement(CachedStatement&&) = delete;
  SQLite::Statement& operator*() { return *st_; }
  SQLite::Statement* operator->() { return st_; }

 private:
  SQLite::Statement* st_;
  std::unique_ptr<SQLite::Statement> own_;
  bool* in_use_;
};

class Database {
 public:
  // Opens (creating if needed) and migrates. ":memory:" gives a private in-memory database.
  static core::Result<std::unique_ptr<Database>> open(const std::string& path);
  // A read-only connection to a database that open() created and migrated (SQLITE_OPEN_READONLY
  // and PRAGMA query_only: any write fails). Not for ":memory:" (a private database per connection).
  static core::Result<std::unique_ptr<Database>> open_reader(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  int schema_version() const;
  static int latest_schema_version();
  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }

  // Runs fn inside BEGIN IMMEDIATE .. COMMIT; rolls back when fn throws or returns an error, so
  // nothing half-written remains. Nested calls join the outer transaction through a savepoint: a
  // nested call that fails (error or exception) undoes only its own writes and returns the error.
  // A full database (SQLITE_FULL) fails the whole outer transaction, even when a nested failure
  // was handled by the caller: SQLite may already have rolled it back, and the rest of it must
  // not go on in autocommit. The error (transient, so the API answers 503) names the database
  // file and `what` was being written: "database full: cannot write message outcomes to
  // var/outreach.db: database or disk is full; nothing of it was written, reads still work".
  core::Status transaction(const std::function<core::Status()>& fn);
  core::Status transaction(std::string_view what, const std::function<core::Status()>& fn);

  // Erasure must not stop at the database file: with WAL, page images holding erased text stay in
  // the -wal file (and unchanged in the main file) until a checkpoint copies the zeroed pages
  // back and resets the log. Asks for a TRUNCATE checkpoint once the outermost transaction
  // commits (at once when none runs); it waits at most 250 ms for readers and otherwise leaves
  // it to the next checkpoint. Nothing happens when the transaction rolls back.
  void truncate_wal_after_commit();

  // Caps the database at `bytes` (PRAGMA max_page_count, per connection; 0 = no cap): a write
  // past it fails like a full disk, so an operator can keep the database from filling the disk.
  core::Status set_max_size(std::int64_t bytes);

  SQLite::Database& sql() { return *db_; }

  // The backend this database runs on, for SQL that differs per dialect (storage/sql.h).
  Dialect dialect() const;
  // The backend's connection; Statement prepares on it.
  Connection& connection();

  // The prepared statement for `sql`, compiled once per connection: hot point lookups (the
  // dispatcher reads a contact, its consent and responses for every message) skip the SQL
  // compiler. A statement already borrowed (re-entrant use) is prepared afresh instead.
  CachedStatement cached(const std::string& sql);

 private:
  Database(std::string path, std::unique_ptr<SQLite::Database> db);
  core::Status migrate();

  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  bool read_only_ = false;
  int depth_ = 0;
  std::string what_;                // label of the outermost transaction running
  std::optional<core::Error> full_;  // set when a write inside the running transaction hit SQLITE_FULL
  bool truncate_wal_ = false;        // truncate_wal_after_commit() asked during the running transaction
  void truncate_wal();
  struct Cached;
  std::map<std::string, std::unique_ptr<Cached>> cache_;
};

// Turns an exception thrown by SQLiteCpp (or anything else) into an Error naming the operation.
// "database is locked" / "database is busy" become transient errors and are counted (below); a
// full database or disk (SQLITE_FULL) is `transient` with a message that says so.
core::Error storage_error(const std::exception& e, const char* operation);
// Whether `e` is SQLite's SQLITE_FULL ("database or disk is full").
bool is_full(const std::exception& e);

// SQLITE_BUSY / SQLITE_LOCKED errors seen by storage_error() since the process started, over all
// connections (the busy timeout ran out). Safe from any thread; for /metrics.
std::uint64_t busy_errors();

}  // namespace outreach::storage
