#pragma once
// The SQLite database: one file, WAL journal, foreign keys on, a busy timeout, and numbered
// migrations applied on open inside one transaction each (schema_version records the last one).
//
// A Database owns its connection; stores take a Database& that must outlive them. Not thread-safe:
// one writer owns a connection (the engine's strand, or one CLI command).

#include <functional>
#include <memory>
#include <string>

#include "core/error.h"

namespace SQLite {
class Database;
}

namespace outreach::storage {

class Database {
 public:
  // Opens (creating if needed) and migrates. ":memory:" gives a private in-memory database.
  static core::Result<std::unique_ptr<Database>> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  int schema_version() const;
  static int latest_schema_version();
  const std::string& path() const { return path_; }

  // Runs fn inside BEGIN IMMEDIATE .. COMMIT; rolls back when fn throws or returns an error, so
  // nothing half-written remains. Nested calls join the outer transaction through a savepoint: a
  // nested call that fails (error or exception) undoes only its own writes and returns the error.
  core::Status transaction(const std::function<core::Status()>& fn);

  SQLite::Database& sql() { return *db_; }

 private:
  Database(std::string path, std::unique_ptr<SQLite::Database> db);
  core::Status migrate();

  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  int depth_ = 0;
};

// Turns an exception thrown by SQLiteCpp (or anything else) into an Error naming the operation.
core::Error storage_error(const std::exception& e, const char* operation);

}  // namespace outreach::storage
