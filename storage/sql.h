#pragma once
// The statement layer every store runs its SQL through, whatever database sits below it.
//
// A store prepares a Statement on its Database, binds values by 1-based index, runs it, and reads
// the current row's columns by 0-based index:
//
//   Statement st(db_, "SELECT name, erased_at FROM contacts WHERE id = ?");
//   st.bind(1, id);
//   if (st.executeStep()) name = st.getColumn(0).getString();
//
// or borrows one compiled once per connection: `auto st = db_.cached(sql); st->bind(...)`.
// The names follow SQLiteCpp's (bind, exec, executeStep, getColumn(i).getString()), which the
// stores used before there was a second backend.
//
// SQL text. Placeholders are `?` (numbered in order) or `?N` (explicitly numbered, the same number
// may repeat); no named `:x` parameters, and one statement does not mix the two forms. The
// PostgreSQL backend rewrites them to `$n`. A parameter's type is the type of the value bound
// to it (int64, double, text, blob; NULL has none): a backend whose server infers parameter
// types (PostgreSQL) passes these, since SQL such as `INSERT .. SELECT ?2, ...`, `?4 IS NULL OR`
// or a parameter the text does not use gives the server nothing to infer a type from. Write SQL
// that both dialects accept where one exists: `INSERT ... ON CONFLICT DO NOTHING` (not
// `INSERT OR IGNORE`), `INSERT ... RETURNING id` (not a last-insert-rowid call), `coalesce`,
// `CASE WHEN .. THEN 1 ELSE 0 END` where a 0/1 is read or summed (PostgreSQL's comparisons are
// booleans), `IS NOT DISTINCT FROM` (not `IS` between values), an alias on every subquery in FROM,
// integer milliseconds for times. Where the dialects differ, write both texts beside each
// other so a reader sees both, with `Sql`:
//
//   constexpr Sql kMembers{
//       /*sqlite*/ "SELECT id FROM contacts WHERE id IN (SELECT value FROM json_each(?))",
//       /*postgres*/ "SELECT id FROM contacts WHERE id IN (SELECT value::bigint FROM json_array_elements_text(?::json))"};
//   Statement st(db_, kMembers);
//
// or, for a fragment inside a longer text, `db_.dialect() == Dialect::postgres ? "..." : "..."`.
//
// Errors. Every backend throws SqlError (a std::runtime_error) with a backend-neutral kind, so
// storage_error() (database.h) maps a busy database, a full disk or a duplicate key the same way
// for both; what() keeps the backend's own message.
//
// How a backend plugs in. It implements the two classes at the end of this file: Connection (one
// session with the database: prepares statements, runs plain SQL, begins, commits and rolls back
// transactions, makes savepoints) and StatementImpl (one prepared statement). A factory returning
// its Connection lives in storage/<backend>_backend.h (SQLite: storage/sqlite_backend.h,
// open_sqlite()), and Database::open / open_reader (database.cpp, connect()) choose it by the
// target: a path is SQLite, a `postgresql://` URL is PostgreSQL. Stores never see the backend.
//
// Not thread-safe, like the Database it belongs to. A Statement must not outlive its Database.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace outreach::storage {

class Database;
class Connection;
class StatementImpl;

enum class Dialect { sqlite, postgres };

// One SQL text per dialect, side by side (see the file comment). Both must take the same
// parameters in the same order.
struct Sql {
  const char* sqlite;
  const char* postgres;
  const char* text(Dialect d) const { return d == Dialect::postgres ? postgres : sqlite; }
};

// What went wrong, as far as callers branch on it (storage_error in database.h).
enum class SqlErrorKind {
  other,
  busy,         // locked or busy past the timeout, a serialization failure or deadlock: try again
  full,         // database or disk full (SQLITE_FULL, PostgreSQL's disk_full / out of space)
  unique,       // a UNIQUE or PRIMARY KEY constraint
  foreign_key,  // a FOREIGN KEY constraint
  constraint,   // another constraint (CHECK, NOT NULL) or a trigger's refusal (append-only tables)
  misuse,       // a column read without a row, an index out of range, a statement that does not compile
};

class SqlError : public std::runtime_error {
 public:
  SqlError(SqlErrorKind kind, const std::string& message, int backend_code = 0)
      : std::runtime_error(message), kind_(kind), backend_code_(backend_code) {}
  SqlErrorKind kind() const { return kind_; }
  // The backend's own code (SQLite's extended result code; 0 where the backend has none).
  int backend_code() const { return backend_code_; }

 private:
  SqlErrorKind kind_;
  int backend_code_;
};

// A column of the statement's current row: read it at once, it is a view of the statement.
class Column {
 public:
  Column(const StatementImpl& st, int index) : st_(&st), index_(index) {}
  bool isNull() const;
  std::int64_t getInt64() const;
  int getInt() const;
  double getDouble() const;
  std::string getString() const;  // "" for NULL
  std::string getBlob() const;    // the bytes; "" for NULL

 private:
  const StatementImpl* st_;
  int index_;
};

class Statement {
 public:
  // Prepares `sql` on db's connection; throws SqlError when it does not compile.
  Statement(Database& db, const std::string& sql);
  Statement(Database& db, const char* sql);
  Statement(Database& db, const Sql& sql);
  explicit Statement(std::unique_ptr<StatementImpl> impl);
  ~Statement();
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;

  // Binds parameter `index` (1-based). Text and blobs are copied. bind(index) binds NULL. A NUL
  // character in text is bound as U+FFFD on every backend (PostgreSQL's text cannot hold it);
  // bytes that may hold NUL go in a blob.
  void bind(int index, int value);
  void bind(int index, unsigned value);
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, const std::string& value);
  void bind(int index, std::string_view value);
  void bind(int index, const char* value);
  void bind(int index);
  void bindBlob(int index, const void* data, std::size_t size);
  // The highest parameter number the SQL uses.
  int getBindParameterCount() const;

  // Runs a statement that returns no rows to its end; the number of rows it changed.
  int exec();
  // Steps to the next row: true while there is one. The first call runs the statement.
  bool executeStep();
  bool step() { return executeStep(); }
  // Makes the statement ready to run again; bindings are kept until clearBindings().
  void reset();
  void clearBindings();

  Column getColumn(int index) const;  // 0-based, of the current row
  int getColumnCount() const;

  StatementImpl& impl() { return *impl_; }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

// ---- The backend seam (implemented per backend; stores do not use these directly) ----

// One prepared statement of a backend. Indexes are as in Statement. Errors throw SqlError.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind_null(int index) = 0;
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  virtual void bind_text(int index, const std::string& value) = 0;
  virtual void bind_blob(int index, const void* data, std::size_t size) = 0;
  virtual int parameter_count() const = 0;
  virtual int exec() = 0;    // to the end; rows changed. Throws SqlError(misuse) if it returns a row
  virtual bool step() = 0;   // the next row
  virtual void reset() = 0;  // ready to run again, bindings kept
  virtual void clear_bindings() = 0;
  virtual int column_count() const = 0;
  virtual bool column_is_null(int index) const = 0;
  virtual std::int64_t column_int64(int index) const = 0;
  virtual double column_double(int index) const = 0;
  virtual std::string column_text(int index) const = 0;
  virtual std::string column_blob(int index) const = 0;
};

// One session with a database, owned by a Database. Errors throw SqlError.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  virtual std::unique_ptr<StatementImpl> prepare(const std::string& sql) = 0;
  // Runs SQL without parameters or results; may hold several statements (migrations).
  virtual void execute(const std::string& sql) = 0;

  // A transaction: `write` takes the write lock at once (SQLite BEGIN IMMEDIATE); a read-only one
  // sees one consistent snapshot (SQLite BEGIN DEFERRED, PostgreSQL REPEATABLE READ READ ONLY).
  virtual void begin(bool write) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  // Savepoints inside a transaction, named by the caller ("sp1", "sp2", ...).
  virtual void savepoint(const std::string& name) = 0;
  virtual void release(const std::string& name) = 0;
  virtual void rollback_to(const std::string& name) = 0;

  // The schema version migrations have reached (0 for a new database), and recording a new one
  // inside the migration's transaction. SQLite keeps it in PRAGMA user_version.
  virtual int schema_version() = 0;
  virtual void set_schema_version(int version) = 0;

  // After a commit that erased personal data: push it out of any log or free space it may linger
  // in (SQLite: a TRUNCATE checkpoint of the write-ahead log). Best effort; logs, never throws.
  virtual void flush_erased() {}
  // Caps the database's size in bytes (0 = no cap): a write past it fails as SqlErrorKind::full.
  virtual void set_max_size(std::int64_t bytes) = 0;
};

}  // namespace outreach::storage
