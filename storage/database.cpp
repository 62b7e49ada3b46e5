#include "storage/database.h"


#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include "storage/advisory_locks.h"
#include "storage/migrations.h"
#include "storage/postgres_backend.h"
#include "storage/sqlite_backend.h"

namespace outreach::storage {

namespace {
std::atomic<std::uint64_t> g_busy_errors{0};
}  // namespace

std::uint64_t busy_errors() { return g_busy_errors.load(std::memory_order_relaxed); }

namespace {
bool is_kind(const std::exception& e, SqlErrorKind kind) {
  auto* se = dynamic_cast<const SqlError*>(&e);
  return se && se->kind() == kind;
}
}  // namespace

bool is_full(const std::exception& e) {
  if (is_kind(e, SqlErrorKind::full)) return true;
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
  if (is_kind(e, SqlErrorKind::unique) || what.find("UNIQUE constraint") != std::string::npos)
    code = core::ErrorCode::conflict;
  if (is_kind(e, SqlErrorKind::foreign_key) || what.find("FOREIGN KEY") != std::string::npos)
    code = core::ErrorCode::invalid_input;
  if (is_kind(e, SqlErrorKind::busy) || what.find("database is locked") != std::string::npos ||
      what.find("database is busy") != std::string::npos || what.find("database table is locked") != std::string::npos) {
    code = core::ErrorCode::transient;
    g_busy_errors.fetch_add(1, std::memory_order_relaxed);
  }
  return core::Error{code, what, operation};
}

struct Database::Cached {
  std::unique_ptr<Statement> statement;
  bool in_use = false;
};

CachedStatement::CachedStatement(Statement* shared, std::unique_ptr<Statement> own, bool* in_use)
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
    auto statement = std::make_unique<Statement>(conn_->prepare(sql));
    if (!slot) slot = std::make_unique<Cached>();
    slot->statement = std::move(statement);
  }
  if (slot->in_use) return CachedStatement(nullptr, std::make_unique<Statement>(conn_->prepare(sql)), nullptr);
  slot->in_use = true;
  return CachedStatement(slot->statement.get(), nullptr, &slot->in_use);
}

Database::Database(std::string path, std::unique_ptr<Connection> conn)
    : path_(std::move(path)), conn_(std::move(conn)), dialect_(conn_->dialect()) {}

Database::~Database() {
  cache_.clear();  // statements before the connection they belong to
}

namespace {
// `target` as messages show it: a PostgreSQL URL without its password.
std::string shown(const std::string& target) {
  return is_postgres_url(target) ? redact_postgres_url(target) : target;
}

// A database that cannot be reached is worth trying again later; anything else is the target's fault.
core::ErrorCode open_failure(const std::exception& e) {
  auto* se = dynamic_cast<const SqlError*>(&e);
  return se && se->kind() == SqlErrorKind::busy ? core::ErrorCode::transient : core::ErrorCode::invalid_input;
}

// The backend for `target`: a postgresql:// URL or a SQLite path.
std::unique_ptr<Connection> connect(const std::string& target, bool read_only) {
  if (is_postgres_url(target)) return open_postgres(target, read_only);
  return open_sqlite(target, read_only);
}
}  // namespace

core::Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  try {
    auto db = std::unique_ptr<Database>(new Database(path, connect(path, false)));
    if (auto st = db->migrate(); !st) return st.error();
    return db;
  } catch (const std::exception& e) {
    return core::Error{open_failure(e), std::string("cannot open database: ") + e.what(), shown(path)};
  }
}

core::Result<std::unique_ptr<Database>> Database::open_reader(const std::string& path) {
  if (path == ":memory:") return core::Error::invalid("a reader needs a database file", path);
  try {
    auto db = std::unique_ptr<Database>(new Database(path, connect(path, true)));
    db->read_only_ = true;
    return db;
  } catch (const std::exception& e) {
    return core::Error{open_failure(e), std::string("cannot open database for reading: ") + e.what(), shown(path)};
  }
}

SQLite::Database& Database::sqlite() {
  if (auto* db = sqlite_handle(*conn_)) return *db;
  throw std::logic_error("Database::sqlite(): " + shown(path_) + " is not a SQLite database");
}

void Database::exec(const std::string& sql) { conn_->execute(sql); }

std::int64_t Database::query_int64(const std::string& sql) {
  Statement st(conn_->prepare(sql));
  if (!st.executeStep()) throw SqlError(SqlErrorKind::misuse, "no row: " + sql);
  return st.getColumn(0).getInt64();
}

int Database::latest_schema_version() { return static_cast<int>(migrations().size()); }

int Database::schema_version() const { return conn_->schema_version(); }

namespace {
// Rolls back unless committed (a failed commit included), ignoring errors: SQLite may already
// have rolled back (SQLITE_FULL).
class TransactionGuard {
 public:
  TransactionGuard(Connection& c, bool write) : c_(c) { c_.begin(write); }
  ~TransactionGuard() {
    if (done_) return;
    try {
      c_.rollback();
    } catch (const std::exception&) {
    }
  }
  TransactionGuard(const TransactionGuard&) = delete;
  void commit() {
    c_.commit();
    done_ = true;
  }

 private:
  Connection& c_;
  bool done_ = false;
};
}  // namespace

core::Status Database::migrate() {
  const auto& steps = dialect_ == Dialect::postgres ? postgres_migrations() : migrations();
  int current = schema_version();
  if (current > static_cast<int>(steps.size())) {
    return core::Error::conflict("database schema version " + std::to_string(current) +
                                 " is newer than this program (" + std::to_string(steps.size()) + ")",
                                 shown(path_));
  }
  for (int v = current; v < static_cast<int>(steps.size()); ++v) {
    try {
      TransactionGuard tx(*conn_, true);
      if (dialect_ == Dialect::postgres) {
        // Engines starting together on one database: one migrates, the others wait and then see
        // the step done.
        conn_->execute("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")");
        if (conn_->schema_version() > v) continue;
      }
      conn_->execute(steps[static_cast<std::size_t>(v)]);
      conn_->set_schema_version(v + 1);
      tx.commit();
    } catch (const std::exception& e) {
      return core::Error::internal(std::string("migration ") + std::to_string(v + 1) +
                                   " failed: " + e.what(), shown(path_));
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
  if (read_only_) return;
  conn_->flush_erased();
}

core::Status Database::set_max_size(std::int64_t bytes) {
  if (bytes <= 0) return {};
  try {
    conn_->set_max_size(bytes);
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
      conn_->savepoint(name);
      Depth depth(depth_);
      core::Status st = fn();
      if (!st && is_full_error(st.error())) throw SqlError(SqlErrorKind::full, "database or disk is full");
      if (!st) {
        conn_->rollback_to(name);
        conn_->release(name);
        return st;
      }
      conn_->release(name);
      return {};
    } catch (const std::exception& e) {
      if (is_full(e)) full_ = full_error(what_.empty() ? std::string(what) : what_, shown(path_));
      try {
        conn_->rollback_to(name);
        conn_->release(name);
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
    TransactionGuard tx(*conn_, !read_only_);
    core::Status st = [&] {
      Depth depth(depth_);
      return fn();
    }();
    if (full_) return *full_;  // tx destructor rolls back what SQLite has not already
    if (!st && is_full_error(st.error())) return full_error(what_, shown(path_));
    if (!st) return st;  // tx destructor rolls back
    tx.commit();
    if (truncate_wal_) truncate_wal();
    return {};
  } catch (const core::ErrorException& e) {
    if (full_) return *full_;
    return e.error();
  } catch (const std::exception& e) {
    if (is_full(e)) return full_error(what_, shown(path_));
    return storage_error(e, "transaction");
  }
}

}  // namespace outreach::storage
