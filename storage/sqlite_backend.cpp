#include "storage/sqlite_backend.h"

#include <spdlog/spdlog.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>

namespace outreach::storage {
namespace {

SqlErrorKind kind_of(int code, int extended, std::string_view message) {
  switch (code & 0xff) {
    case SQLITE_FULL: return SqlErrorKind::full;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return SqlErrorKind::busy;
    case SQLITE_MISUSE:
    case SQLITE_RANGE: return SqlErrorKind::misuse;
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) return SqlErrorKind::unique;
      if (extended == SQLITE_CONSTRAINT_FOREIGNKEY) return SqlErrorKind::foreign_key;
      if (message.find("UNIQUE constraint") != std::string_view::npos) return SqlErrorKind::unique;
      if (message.find("FOREIGN KEY") != std::string_view::npos) return SqlErrorKind::foreign_key;
      return SqlErrorKind::constraint;
    default: return SqlErrorKind::other;
  }
}

[[noreturn]] void rethrow(const SQLite::Exception& e) {
  const int extended = e.getExtendedErrorCode();
  throw SqlError(kind_of(e.getErrorCode(), extended, e.what()), e.what(), extended >= 0 ? extended : e.getErrorCode());
}

// The connection's last error as SqlError: the message SQLiteCpp's exceptions carried.
[[noreturn]] void throw_last(sqlite3* db, int rc) {
  const std::string message = sqlite3_errmsg(db);
  const int extended = sqlite3_extended_errcode(db);
  throw SqlError(kind_of(rc, extended, message), message, extended);
}

// A statement on sqlite3 directly (the handle of the connection's SQLite::Database): the column
// reads of the dispatcher's hot path go straight to sqlite3_column_*. Behaves as SQLiteCpp's
// Statement did (its checks and messages), with SqlError for SQLite::Exception.
class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql) : db_(db) {
    const int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st_, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(st_);
      throw_last(db_, rc);
    }
    if (!st_) throw SqlError(SqlErrorKind::misuse, "no SQL statement in: " + sql);
    columns_ = sqlite3_column_count(st_);
  }
  ~SqliteStatement() override { sqlite3_finalize(st_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind_null(int index) override { check_bind(sqlite3_bind_null(st_, index)); }
  void bind_int64(int index, std::int64_t value) override {
    check_bind(sqlite3_bind_int64(st_, index, static_cast<sqlite3_int64>(value)));
  }
  void bind_double(int index, double value) override { check_bind(sqlite3_bind_double(st_, index, value)); }
  void bind_text(int index, const std::string& value) override {
    check_bind(sqlite3_bind_text64(st_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void bind_blob(int index, const void* data, std::size_t size) override {
    check_bind(sqlite3_bind_blob64(st_, index, data, size, SQLITE_TRANSIENT));
  }
  int parameter_count() const override { return sqlite3_bind_parameter_count(st_); }

  int exec() override {
    if (run() == SQLITE_ROW) throw SqlError(SqlErrorKind::misuse, "exec() does not expect results. Use executeStep.");
    return sqlite3_changes(db_);
  }
  bool step() override { return run() == SQLITE_ROW; }
  void reset() override {
    has_row_ = false;
    done_ = false;
    if (const int rc = sqlite3_reset(st_); rc != SQLITE_OK) throw_last(db_, rc);
  }
  void clear_bindings() override { sqlite3_clear_bindings(st_); }

  int column_count() const override { return columns_; }
  bool column_is_null(int index) const override {
    check(index);
    return sqlite3_column_type(st_, index) == SQLITE_NULL;
  }
  std::int64_t column_int64(int index) const override {
    check(index);
    return sqlite3_column_int64(st_, index);
  }
  double column_double(int index) const override {
    check(index);
    return sqlite3_column_double(st_, index);
  }
  // The bytes as stored (a BLOB's too, a number as its text), "" for NULL: as SQLiteCpp's getString.
  std::string column_text(int index) const override {
    check(index);
    const auto* data = static_cast<const char*>(sqlite3_column_blob(st_, index));
    const int size = sqlite3_column_bytes(st_, index);
    return data ? std::string(data, static_cast<std::size_t>(size)) : std::string();
  }
  std::string column_blob(int index) const override { return column_text(index); }

 private:
  // One sqlite3_step: SQLITE_ROW or SQLITE_DONE, else throws. A statement that ran to its end
  // runs again only after reset().
  int run() {
    if (done_) throw SqlError(SqlErrorKind::misuse, "Statement needs to be reseted");
    const int rc = sqlite3_step(st_);
    has_row_ = rc == SQLITE_ROW;
    done_ = rc == SQLITE_DONE;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw_last(db_, rc);
    return rc;
  }
  void check_bind(int rc) const {
    if (rc != SQLITE_OK) throw_last(db_, rc);
  }
  void check(int index) const {
    if (!has_row_)
      throw SqlError(SqlErrorKind::misuse, "No row to get a column from. executeStep() was not called, or returned false.");
    if (index < 0 || index >= columns_) throw SqlError(SqlErrorKind::misuse, "Column index out of range.");
  }

  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  int columns_ = 0;
  bool has_row_ = false;
  bool done_ = false;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, bool read_only)
      : path_(path),
        read_only_(read_only),
        // NOMUTEX: a connection belongs to one thread at a time (storage/database.h), so SQLite's
        // per-connection mutex guards nothing; taking it on every step and column read cost
        // about 7 % of a list page's and 8 % of a dispatched message's instructions.
        db_(path, (read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) |
                      SQLite::OPEN_NOMUTEX) {
    db_.setBusyTimeout(kBusyTimeoutMs);
    if (read_only) {
      db_.exec("PRAGMA query_only = ON");
      return;
    }
    db_.exec("PRAGMA foreign_keys = ON");
    // Deleted personal data (erasure) is overwritten with zeros, not left in free pages.
    db_.exec("PRAGMA secure_delete = ON");
    if (path != ":memory:") db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = NORMAL");
  }

  ~SqliteConnection() override {
    fixed_.clear();  // statements before the connection they belong to
  }

  SQLite::Database& db() { return db_; }

  Dialect dialect() const override { return Dialect::sqlite; }

  std::unique_ptr<StatementImpl> prepare(const std::string& sql) override {
    return std::make_unique<SqliteStatement>(db_.getHandle(), sql);
  }

  void execute(const std::string& sql) override {
    try {
      db_.exec(sql);
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }

  // A reader takes a consistent snapshot (BEGIN DEFERRED); the writer takes the write lock at once.
  void begin(bool write) override { run(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"); }
  void commit() override { run("COMMIT"); }
  void rollback() override { run("ROLLBACK"); }
  // Prepared once per name: a group commit opens several savepoints per request.
  void savepoint(const std::string& name) override { run("SAVEPOINT " + name); }
  void release(const std::string& name) override { run("RELEASE " + name); }
  void rollback_to(const std::string& name) override { run("ROLLBACK TO " + name); }

  int schema_version() override {
    try {
      return db_.execAndGet("PRAGMA user_version").getInt();
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }
  void set_schema_version(int version) override { execute("PRAGMA user_version = " + std::to_string(version)); }

  // With WAL, page images holding erased text stay in the -wal file until a checkpoint copies the
  // zeroed pages back and resets the log: a TRUNCATE checkpoint, waiting at most 250 ms for readers.
  void flush_erased() override {
    if (read_only_ || path_ == ":memory:") return;
    try {
      db_.setBusyTimeout(250);  // a reader mid-snapshot holds it up: do not stall the writer for long
      SQLite::Statement cp(db_, "PRAGMA wal_checkpoint(TRUNCATE)");
      const bool busy = cp.executeStep() && cp.getColumn(0).getInt() != 0;
      db_.setBusyTimeout(kBusyTimeoutMs);
      if (busy) spdlog::info("database: the write-ahead log is still in use; erased pages leave it at the next checkpoint");
    } catch (const std::exception& e) {
      db_.setBusyTimeout(kBusyTimeoutMs);
      spdlog::warn("database: checkpoint after erasure failed: {}", e.what());
    }
  }

  // PRAGMA max_page_count (per connection): a write past it fails with SQLITE_FULL.
  void set_max_size(std::int64_t bytes) override {
    if (bytes <= 0) return;
    try {
      const std::int64_t page_size = db_.execAndGet("PRAGMA page_size").getInt64();
      const std::int64_t pages = bytes / std::max<std::int64_t>(page_size, 512);
      db_.execAndGet("PRAGMA max_page_count = " + std::to_string(std::max<std::int64_t>(pages, 1)));
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }

 private:
  static constexpr int kBusyTimeoutMs = 5000;

  // Runs one of the few fixed statements (transaction control), each prepared once.
  void run(const std::string& sql) {
    auto& slot = fixed_[sql];
    try {
      if (!slot) slot = std::make_unique<SQLite::Statement>(db_, sql);
      struct Reset {
        SQLite::Statement& st;
        ~Reset() { st.tryReset(); }
      } reset{*slot};
      slot->exec();
    } catch (const SQLite::Exception& e) {
      rethrow(e);
    }
  }

  std::string path_;
  bool read_only_;
  SQLite::Database db_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> fixed_;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path, bool read_only) {
  try {
    return std::make_unique<SqliteConnection>(path, read_only);
  } catch (const SQLite::Exception& e) {
    rethrow(e);
  }
}

SQLite::Database* sqlite_handle(Connection& connection) {
  auto* c = dynamic_cast<SqliteConnection*>(&connection);
  return c ? &c->db() : nullptr;
}

}  // namespace outreach::storage
