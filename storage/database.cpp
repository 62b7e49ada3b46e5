#include "storage/database.h"

#include <spdlog/spdlog.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>

#include <atomic>

#include "storage/migrations.h"

namespace outreach::storage {

namespace {
std::atomic<std::uint64_t> g_busy_errors{0};
}  // namespace

std::uint64_t busy_errors() { return g_busy_errors.load(std::memory_order_relaxed); }

bool is_full(const std::exception& e) {
  if (auto* se = dynamic_cast<const SQLite::Exception*>(&e)) return (se->getErrorCode() & 0xff) == SQLITE_FULL;
  return std::string_view(e.what()).find("database or disk is full") != std::string_view::npos;
}

namespace {
// A store that caught SQLITE_FULL itself returns storage_error's message.
bool is_full_error(const core::Error& e) {
  return e.code == core::ErrorCode::transient && e.message.rfind("database full", 0) == 0;
}

core::Error full_error(const std::string& what, const std::string& path) {
  return core::Error{core::ErrorCode::transient,
                     "database full: cannot write " + (what.empty() ? std::string("a transaction") : what) + " to " + path +
                         ": database or disk is full; nothing of it was written, reads still work (free disk space or "
                         "raise database_max_size)",
                     path};
}
}  // namespace

core::Error storage_error(const std::exception& e, const char* operation) {
  if (is_full(e))
    return core::Error{core::ErrorCode::transient,
                       std::string("database full: database or disk is full; nothing was written (") + operation + ")",
                       operation};
  std::string what = e.what();
  core::ErrorCode code = core::ErrorCode::internal;
  if (what.find("UNIQUE constraint") != std::string::npos) code = core::ErrorCode::conflict;
  if (what.find("FOREIGN KEY") != std::string::npos) code = core::ErrorCode::invalid_input;
  if (what.find("database is locked") != std::string::npos || what.find("database is busy") != std::string::npos ||
      what.find("database table is locked") != std::string::npos) {
    code = core::ErrorCode::transient;
    g_busy_errors.fetch_add(1, std::memory_order_relaxed);
  }
  return core::Error{code, what, operation};
}

struct Database::Cached {
  std::unique_ptr<SQLite::Statement> statement;
  bool in_use = false;
};

CachedStatement::CachedStatement(SQLite::Statement* shared, std::unique_ptr<SQLite::Statement> own, bool* in_use)
    : st_(own ? own.get() : shared), own_(std::move(own)), in_use_(in_use) {}

CachedStatement::~CachedStatement() {
  if (own_) return;
  try {
    st_->reset();
    st_->clearBindings();
  } catch (const std::exception&) {
  }
  *in_use_ = false;
}

CachedStatement Database::cached(const std::string& sql) {
  auto& slot = cache_[sql];
  if (!slot || !slot->statement) {
    // Prepared before it is kept: a statement that does not compile (a missing table) throws
    // here and leaves no empty slot behind for the next call.
    auto statement = std::make_unique<SQLite::Statement>(*db_, sql);
    if (!slot) slot = std::make_unique<Cached>();
    slot->statement = std::move(statement);
  }
  if (slot->in_use) return CachedStatement(nullptr, std::make_unique<SQLite::Statement>(*db_, sql), nullptr);
  slot->in_use = true;
  return CachedStatement(slot->statement.get(), nullptr, &slot->in_use);
}

Database::Database(std::string path, std::unique_ptr<SQLite::Database> db)
    : path_(std::move(path)), db_(std::move(db)) {}

Database::~Database() {
  cache_.clear();  // statements before the connection they belong to
}

core::Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  try {
    auto sql = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    sql->setBusyTimeout(5000);
    sql->exec("PRAGMA foreign_keys = ON");
    // Deleted personal data (erasure) is overwritten with zeros, not left in free pages.
    sql->exec("PRAGMA secure_delete = ON");
    if (path != ":memory:") sql->exec("PRAGMA journal_mode = WAL");
    sql->exec("PRAGMA synchronous = NORMAL");
    auto db = std::unique_ptr<Database>(new Database(path, std::move(sql)));
    if (auto st = db->migrate(); !st) return st.error();
    return db;
  } catch (const std::exception& e) {
    return core::Error::invalid(std::string("cannot open database: ") + e.what(), path);
  }
}

core::Result<std::unique_ptr<Database>> Database::open_reader(const std::string& path) {
  if (path == ":memory:") return core::Error::invalid("a reader needs a database file", path);
  try {
    auto sql = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY);
    sql->setBusyTimeout(5000);
    sql->exec("PRAGMA query_only = ON");
    auto db = std::unique_ptr<Database>(new Database(path, std::move(sql)));
    db->read_only_ = true;
    return db;
  } catch (const std::exception& e) {
    return core::Error::invalid(std::string("cannot open database for reading: ") + e.what(), path);
  }
}

int Database::latest_schema_version() { return static_cast<int>(migrations().size()); }

int Database::schema_version() const {
  return db_->execAndGet("PRAGMA user_version").getInt();
}

core::Status Database::migrate() {
  const auto& steps = migrations();
  int current = schema_version();
  if (current > static_cast<int>(steps.size())) {
    return core::Error::conflict("database schema version " + std::to_string(current) +
                                 " is newer than this program (" + std::to_string(steps.size()) + ")",
                                 path_);
  }
  for (int v = current; v < static_cast<int>(steps.size()); ++v) {
    try {
      SQLite::Transaction tx(*db_, SQLite::TransactionBehavior::IMMEDIATE);
      db_->exec(steps[static_cast<std::size_t>(v)]);
      db_->exec("PRAGMA user_version = " + std::to_string(v + 1));
      tx.commit();
    } catch (const std::exception& e) {
      return core::Error::internal(std::string("migration ") + std::to_string(v + 1) +
                                   " failed: " + e.what(), path_);
    }
  }
  return {};
}

core::Status Database::transaction(const std::function<core::Status()>& fn) { return transaction({}, fn); }

void Database::truncate_wal_after_commit() {
  if (depth_ > 0) {
    truncate_wal_ = true;
  } else {
    truncate_wal();
  }
}

void Database::truncate_wal() {
  truncate_wal_ = false;
  if (read_only_ || path_ == ":memory:") return;
  try {
    db_->setBusyTimeout(250);  // a reader mid-snapshot holds it up: do not stall the writer for long
    SQLite::Statement cp(*db_, "PRAGMA wal_checkpoint(TRUNCATE)");
    const bool busy = cp.executeStep() && cp.getColumn(0).getInt() != 0;
    db_->setBusyTimeout(5000);
    if (busy) spdlog::info("database: the write-ahead log is still in use; erased pages leave it at the next checkpoint");
  } catch (const std::exception& e) {
    db_->setBusyTimeout(5000);
    spdlog::warn("database: checkpoint after erasure failed: {}", e.what());
  }
}

namespace {
// Savepoint statements are prepared once per connection: a group commit opens several per request.
void run_cached(Database& db, const std::string& sql) { db.cached(sql)->exec(); }
}  // namespace

core::Status Database::set_max_size(std::int64_t bytes) {
  if (bytes <= 0) return {};
  try {
    const std::int64_t page_size = db_->execAndGet("PRAGMA page_size").getInt64();
    const std::int64_t pages = bytes / std::max<std::int64_t>(page_size, 512);
    db_->execAndGet("PRAGMA max_page_count = " + std::to_string(std::max<std::int64_t>(pages, 1)));
    return {};
  } catch (const std::exception& e) {
    return storage_error(e, "database_max_size");
  }
}

core::Status Database::transaction(std::string_view what, const std::function<core::Status()>& fn) {
  struct Depth {
    int& d;
    explicit Depth(int& depth) : d(depth) { ++d; }
    ~Depth() { --d; }
  };
  if (depth_ > 0) {
    // Nested: a savepoint, so a failing inner step (one CSV row) leaves nothing half-written while
    // the outer transaction goes on. A full database ends the outer transaction too.
    if (full_) return *full_;
    const std::string name = "sp" + std::to_string(depth_);
    try {
      run_cached(*this, "SAVEPOINT " + name);
      Depth depth(depth_);
      core::Status st = fn();
      if (!st && is_full_error(st.error())) throw SQLite::Exception("database or disk is full", SQLITE_FULL);
      if (!st) {
        run_cached(*this, "ROLLBACK TO " + name);
        run_cached(*this, "RELEASE " + name);
        return st;
      }
      run_cached(*this, "RELEASE " + name);
      return {};
    } catch (const std::exception& e) {
      if (is_full(e)) full_ = full_error(what_.empty() ? std::string(what) : what_, path_);
      try {
        db_->exec("ROLLBACK TO " + name);
        db_->exec("RELEASE " + name);
      } catch (const std::exception&) {
      }
      if (full_) return *full_;
      if (auto* ee = dynamic_cast<const core::ErrorException*>(&e)) return ee->error();
      return storage_error(e, "transaction");
    }
  }
  what_ = std::string(what);
  full_.reset();
  struct Reset {
    Database& db;
    ~Reset() {
      db.what_.clear();
      db.full_.reset();
      db.truncate_wal_ = false;
    }
  } reset{*this};
  try {
    // A reader takes a consistent snapshot (BEGIN DEFERRED); the writer takes the write lock at once.
    SQLite::Transaction tx(*db_, read_only_ ? SQLite::TransactionBehavior::DEFERRED
                                            : SQLite::TransactionBehavior::IMMEDIATE);
    core::Status st = [&] {
      Depth depth(depth_);
      return fn();
    }();
    if (full_) return *full_;  // tx destructor rolls back what SQLite has not already
    if (!st && is_full_error(st.error())) return full_error(what_, path_);
    if (!st) return st;  // tx destructor rolls back
    tx.commit();
    if (truncate_wal_) truncate_wal();
    return {};
  } catch (const core::ErrorException& e) {
    if (full_) return *full_;
    return e.error();
  } catch (const std::exception& e) {
    if (is_full(e)) return full_error(what_, path_);
    return storage_error(e, "transaction");
  }
}

}  // namespace outreach::storage
