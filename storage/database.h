#pragma once
// The database the stores share: a connection to one backend (storage/sql.h; today SQLite, see
// storage/sqlite_backend.h: one file, WAL journal, foreign keys on, secure_delete on, a busy
// timeout), and numbered migrations applied on open inside one transaction each
// (schema_version records the last one). Stores run their SQL through Statement (storage/sql.h).
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
}

namespace outreach::storage {

// A prepared statement borrowed from Database::cached(): reset and unbound when it goes out of
// scope. Use it within one call; do not keep it.
class CachedStatement {
 public:
  CachedStatement(Statement* shared, std::unique_ptr<Statement> own, bool* in_use);
  ~CachedStatement();
  CachedStatement(CachedStatement&&) = delete;
  Statement& operator*() { return *st_; }
  Statement* operator->() { return st_; }

 private:
  Statement* st_;
  std::unique_ptr<Statement> own_;
  bool* in_use_;
};

class Database {
 public:
  // Opens (creating if needed) and migrates. ":memory:" gives a private in-memory database.
  // `path` is a SQLite file; a `postgresql://` URL will open the PostgreSQL backend (storage/sql.h)
  // and is refused until that backend is built in.
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

  // The engine session this connection holds on a shared database (storage/engine_session.h), if
  // any: rows an engine leaves for its own crash recovery (digest members) carry it, so that another
  // engine can recover them once that session has ended.
  std::optional<std::int32_t> engine_session() const { return engine_session_; }
  void set_engine_session(std::int32_t id) { engine_session_ = id; }

  // The backend this database runs on, for SQL that differs per dialect (storage/sql.h).
  Dialect dialect() const { return dialect_; }
  // The backend's connection; Statement prepares on it.
  Connection& connection() { return *conn_; }
  // Runs SQL without parameters or results (may hold several statements); throws SqlError.
  void exec(const std::string& sql);
  // The first column of the first row of a query without parameters (count(*)); throws SqlError.
  std::int64_t query_int64(const std::string& sql);

  // SQLite backend only, for what has no other backend's equivalent (the online backup API) and
  // for tests that tamper with the file. Throws std::logic_error on another backend.
  SQLite::Database& sqlite();

  // The prepared statement for `sql`, compiled once per connection: hot point lookups (the
  // dispatcher reads a contact, its consent and responses for every message) skip the SQL
  // compiler. A statement already borrowed (re-entrant use) is prepared afresh instead.
  CachedStatement cached(const std::string& sql);
  CachedStatement cached(const Sql& sql) { return cached(std::string(sql.text(dialect_))); }

 private:
  Database(std::string path, std::unique_ptr<Connection> conn);
  core::Status migrate();

  std::string path_;
  std::unique_ptr<Connection> conn_;
  Dialect dialect_;
  bool read_only_ = false;
  int depth_ = 0;
  std::string what_;                // label of the outermost transaction running
  std::optional<core::Error> full_;  // set when a write inside the running transaction hit SQLITE_FULL
  bool truncate_wal_ = false;        // truncate_wal_after_commit() asked during the running transaction
  std::optional<std::int32_t> engine_session_;
  void truncate_wal();
  struct Cached;
  std::map<std::string, std::unique_ptr<Cached>> cache_;
};

// Turns an exception thrown by a backend (SqlError) or anything else into an Error naming the
// operation. A busy or locked database becomes a transient error and is counted (below); a
// duplicate key a conflict, a foreign key invalid input; a full database or disk (SQLITE_FULL)
// is `transient` with a message that says so.
core::Error storage_error(const std::exception& e, const char* operation);
// Whether `e` says the database or disk is full (SqlErrorKind::full, or SQLite's message).
bool is_full(const std::exception& e);

// SQLITE_BUSY / SQLITE_LOCKED errors seen by storage_error() since the process started, over all
// connections (the busy timeout ran out). Safe from any thread; for /metrics.
std::uint64_t busy_errors();

}  // namespace outreach::storage
