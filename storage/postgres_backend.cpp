#include "storage/postgres_backend.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

namespace outreach::storage {
namespace {

// Type OIDs (src/include/catalog/pg_type.dat), the ones read differently from plain text.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kFloat8Oid = 701;

// Above this many prepared texts a connection drops them all (DEALLOCATE ALL) between
// transactions and prepares again on demand: a store that builds its SQL cannot grow it forever.
constexpr std::size_t kMaxPrepared = 512;

SqlErrorKind kind_of(std::string_view state) {
  if (state.size() != 5) return SqlErrorKind::other;
  if (state == "40001" || state == "40P01" || state == "55P03" || state == "57014" || state.substr(0, 2) == "08" ||
      state == "57P01" || state == "57P02" || state == "57P03" || state == "53300")
    return SqlErrorKind::busy;
  if (state == "53100") return SqlErrorKind::full;
  if (state == "23505") return SqlErrorKind::unique;
  if (state == "23503") return SqlErrorKind::foreign_key;
  if (state.substr(0, 2) == "23" || state == "P0001") return SqlErrorKind::constraint;
  if (state.substr(0, 2) == "42" || state == "26000" || state == "07001") return SqlErrorKind::misuse;
  return SqlErrorKind::other;
}

// The error of a failed result, without anything that may quote a row's values.
[[noreturn]] void throw_result_error(const PGresult* r, PGconn* conn, std::string_view operation) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string sqlstate = state ? state : "";
  std::string message;
  if (sqlstate.rfind("22", 0) == 0) {
    message = "invalid value for a column (SQLSTATE " + sqlstate + ")";
  } else if (primary && *primary) {
    message = primary;
  } else {
    // No result error: the connection itself failed (libpq's message names no values).
    message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    if (message.empty()) message = "PostgreSQL request failed";
  }
  SqlErrorKind kind = kind_of(sqlstate);
  if (sqlstate.empty() && PQstatus(conn) == CONNECTION_BAD) {
    kind = SqlErrorKind::busy;
    message = "lost the connection to PostgreSQL (" + std::string(operation) + "): " + message;
  }
  throw SqlError(kind, message);
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

bool succeeded(const PGresult* r) {
  const auto s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}

void ignore_notice(void*, const char*) {}

class PgConnection;

class PgStatement final : public StatementImpl {
 public:
  PgStatement(PgConnection& conn, std::string text, int params)
      : conn_(conn), text_(std::move(text)), values_(static_cast<std::size_t>(params)) {}

  void bind_null(int index) override { slot(index).reset(); }
  void bind_int64(int index, std::int64_t value) override { slot(index) = Value{std::to_string(value), kInt8Oid}; }
  void bind_double(int index, double value) override {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    slot(index) = Value{buf, kFloat8Oid};
  }
  void bind_text(int index, const std::string& value) override { slot(index) = Value{value, kTextOid}; }
  void bind_blob(int index, const void* data, std::size_t size) override {
    slot(index) = Value{std::string(static_cast<const char*>(data), size), kByteaOid};
  }
  int parameter_count() const override { return static_cast<int>(values_.size()); }

  int exec() override {
    run();
    if (PQresultStatus(result_.get()) == PGRES_TUPLES_OK && PQntuples(result_.get()) > 0)
      throw SqlError(SqlErrorKind::misuse, "exec() does not expect results: use executeStep()");
    const char* changed = PQcmdTuples(result_.get());
    return changed && *changed ? std::atoi(changed) : 0;
  }
  bool step() override {
    if (!result_) {
      run();
      row_ = 0;
    } else {
      ++row_;
    }
    return row_ < PQntuples(result_.get());
  }
  void reset() override {
    result_.reset();
    row_ = -1;
  }
  void clear_bindings() override {
    for (auto& v : values_) v.reset();
  }

  int column_count() const override { return result_ ? PQnfields(result_.get()) : 0; }
  bool column_is_null(int index) const override {
    check(index);
    return PQgetisnull(result_.get(), row_, index) != 0;
  }
  std::int64_t column_int64(int index) const override {
    check(index);
    if (PQgetisnull(result_.get(), row_, index)) return 0;
    const char* v = PQgetvalue(result_.get(), row_, index);
    if (PQftype(result_.get(), index) == kBoolOid) return v[0] == 't' ? 1 : 0;
    std::int64_t out = 0;
    const char* end = v + std::strlen(v);
    auto [ptr, ec] = std::from_chars(v, end, out);
    if (ec == std::errc() && ptr == end) return out;
    // numeric (sum, avg) or a decimal text: what SQLite does, the integer part.
    return static_cast<std::int64_t>(std::strtod(v, nullptr));
  }
  double column_double(int index) const override {
    check(index);
    if (PQgetisnull(result_.get(), row_, index)) return 0;
    const char* v = PQgetvalue(result_.get(), row_, index);
    if (PQftype(result_.get(), index) == kBoolOid) return v[0] == 't' ? 1 : 0;
    return std::strtod(v, nullptr);
  }
  std::string column_text(int index) const override {
    check(index);
    if (PQgetisnull(result_.get(), row_, index)) return {};
    const Oid type = PQftype(result_.get(), index);
    const char* v = PQgetvalue(result_.get(), row_, index);
    if (type == kBoolOid) return v[0] == 't' ? "1" : "0";
    if (type == kByteaOid) return column_blob(index);
    return std::string(v, static_cast<std::size_t>(PQgetlength(result_.get(), row_, index)));
  }
  std::string column_blob(int index) const override {
    check(index);
    if (PQgetisnull(result_.get(), row_, index)) return {};
    const char* v = PQgetvalue(result_.get(), row_, index);
    if (PQftype(result_.get(), index) != kByteaOid)
      return std::string(v, static_cast<std::size_t>(PQgetlength(result_.get(), row_, index)));
    std::size_t size = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &size);
    if (!bytes) throw SqlError(SqlErrorKind::other, "cannot decode a bytea column");
    std::string out(reinterpret_cast<const char*>(bytes), size);
    PQfreemem(bytes);
    return out;
  }

 private:
  struct Value {
    std::string bytes;
    Oid type = 0;  // bytea goes binary, the rest as text
  };
  std::optional<Value>& slot(int index) {
    if (index < 1 || index > static_cast<int>(values_.size()))
      throw SqlError(SqlErrorKind::misuse, "bind: parameter " + std::to_string(index) + " out of range (the statement has " +
                                               std::to_string(values_.size()) + ")");
    result_.reset();
    row_ = -1;
    return values_[static_cast<std::size_t>(index - 1)];
  }
  void check(int index) const {
    if (!result_ || row_ < 0 || row_ >= PQntuples(result_.get()))
      throw SqlError(SqlErrorKind::misuse, "no row to read a column from");
    if (index < 0 || index >= PQnfields(result_.get()))
      throw SqlError(SqlErrorKind::misuse, "column " + std::to_string(index) + " out of range");
  }
  void run();

  PgConnection& conn_;
  std::string text_;
  std::vector<std::optional<Value>> values_;
  Result result_;
  int row_ = -1;
};

class PgConnection final : public Connection {
 public:
  PgConnection(PGconn* conn, bool read_only) : conn_(conn), read_only_(read_only) {}
  ~PgConnection() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::postgres; }

  // Nothing goes to the server yet: a parameter's type is the type of the value bound to it
  // (storage/sql.h), so the text is prepared at its first run, once per set of types.
  std::unique_ptr<StatementImpl> prepare(const std::string& sql) override {
    int params = 0;
    std::string text = postgres_placeholders(sql, &params);
    return std::make_unique<PgStatement>(*this, std::move(text), params);
  }

  void execute(const std::string& sql) override { simple(sql, "execute"); }

  void begin(bool write) override {
    simple(write && !read_only_ ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin");
  }
  void commit() override {
    // A transaction in which a statement failed can only roll back; PostgreSQL answers such a
    // COMMIT with ROLLBACK, and that must not pass for a commit.
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
      simple("ROLLBACK", "rollback");
      throw SqlError(SqlErrorKind::other, "commit refused: a statement in the transaction failed; it was rolled back");
    }
    Result r(PQexec(conn_, "COMMIT"));
    if (!succeeded(r.get())) throw_result_error(r.get(), conn_, "commit");
    if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK")
      throw SqlError(SqlErrorKind::other, "commit refused: the transaction was rolled back");
  }
  void rollback() override { simple("ROLLBACK", "rollback"); }
  void savepoint(const std::string& name) override { simple("SAVEPOINT " + name, "savepoint"); }
  void release(const std::string& name) override { simple("RELEASE SAVEPOINT " + name, "release"); }
  void rollback_to(const std::string& name) override { simple("ROLLBACK TO SAVEPOINT " + name, "rollback to"); }

  int schema_version() override {
    // The table exists once the first migration ran (set_schema_version creates it).
    Result exists(PQexec(conn_, "SELECT to_regclass('schema_version') IS NOT NULL"));
    if (!succeeded(exists.get())) throw_result_error(exists.get(), conn_, "schema_version");
    if (PQgetvalue(exists.get(), 0, 0)[0] != 't') return 0;
    Result r(PQexec(conn_, "SELECT coalesce(max(version), 0) FROM schema_version"));
    if (!succeeded(r.get())) throw_result_error(r.get(), conn_, "schema_version");
    return std::atoi(PQgetvalue(r.get(), 0, 0));
  }
  void set_schema_version(int version) override {
    simple("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL); DELETE FROM schema_version; "
           "INSERT INTO schema_version(version) VALUES (" +
               std::to_string(version) + ")",
           "schema_version");
  }

  void flush_erased() override {
    // Deleted rows stay in their pages until VACUUM reclaims them (autovacuum does, later); the
    // write-ahead log keeps them until it is recycled. Nothing to force from one connection.
  }
  void set_max_size(std::int64_t bytes) override {
    if (bytes <= 0) return;
    throw SqlError(SqlErrorKind::misuse,
                   "database_max_size applies to SQLite only; cap a PostgreSQL database on the server (quota, tablespace)");
  }

  // The server-side name of the statement prepared for `text` with parameters of `types` (0: a
  // NULL), preparing it on first use. A NULL's type is the server's to infer; where it cannot
  // (`?1 IS NULL OR status = ?1` with NULL bound), the NULLs are tried as text, then as bigint.
  // A failed prepare inside a transaction would abort it: the trials run under a savepoint.
  const std::string& prepared_name(const std::string& text, const std::vector<Oid>& types) {
    std::string key = text;
    key += '\x1f';
    for (Oid t : types) key += std::to_string(t) + ",";
    if (auto it = prepared_.find(key); it != prepared_.end()) return it->second;
    if (prepared_.size() >= kMaxPrepared && PQtransactionStatus(conn_) == PQTRANS_IDLE) {
      simple("DEALLOCATE ALL", "deallocate");
      prepared_.clear();
    }
    std::string name = "s" + std::to_string(++next_name_);
    const bool has_null = std::find(types.begin(), types.end(), Oid{0}) != types.end();
    const bool in_transaction = PQtransactionStatus(conn_) == PQTRANS_INTRANS;
    std::vector<Oid> tried = types;
    for (Oid null_as : {Oid{0}, kTextOid, kInt8Oid}) {
      for (std::size_t i = 0; i < types.size(); ++i)
        if (types[i] == 0) tried[i] = null_as;
      const bool last = !has_null || null_as == kInt8Oid;
      const bool guard = !last && in_transaction;
      if (guard) simple("SAVEPOINT outreach_prepare", "prepare");
      Result r(PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(tried.size()), tried.data()));
      if (succeeded(r.get())) {
        if (guard) simple("RELEASE SAVEPOINT outreach_prepare", "prepare");
        return prepared_.emplace(std::move(key), std::move(name)).first->second;
      }
      const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
      const std::string_view code = state ? state : "";
      const bool type_problem = code == "42P18" || code == "42P08" || code == "42883" || code == "42804";
      if (last || !type_problem) {
        if (guard) {
          PQclear(PQexec(conn_, "ROLLBACK TO SAVEPOINT outreach_prepare"));
          PQclear(PQexec(conn_, "RELEASE SAVEPOINT outreach_prepare"));
        }
        throw_result_error(r.get(), conn_, "prepare");
      }
      if (guard) {
        simple("ROLLBACK TO SAVEPOINT outreach_prepare", "prepare");
        simple("RELEASE SAVEPOINT outreach_prepare", "prepare");
      }
    }
    throw SqlError(SqlErrorKind::misuse, "cannot prepare a statement");  // not reached
  }
  PGconn* raw() { return conn_; }

 private:
  void simple(const std::string& sql, std::string_view operation) {
    Result r(PQexec(conn_, sql.c_str()));
    if (!succeeded(r.get())) throw_result_error(r.get(), conn_, operation);
  }

  PGconn* conn_;
  bool read_only_;
  std::map<std::string, std::string> prepared_;  // SQL text ($n) and parameter types -> statement name
  std::uint64_t next_name_ = 0;
};

void PgStatement::run() {
  const int n = static_cast<int>(values_.size());
  std::vector<const char*> values(values_.size());
  std::vector<int> lengths(values_.size());
  std::vector<int> formats(values_.size());
  std::vector<Oid> types(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (!values_[i]) continue;
    values[i] = values_[i]->bytes.c_str();
    lengths[i] = static_cast<int>(values_[i]->bytes.size());
    formats[i] = values_[i]->type == kByteaOid ? 1 : 0;
    types[i] = values_[i]->type;
  }
  const std::string& name = conn_.prepared_name(text_, types);
  result_.reset(PQexecPrepared(conn_.raw(), name.c_str(), n, values.data(), lengths.data(), formats.data(), 0));
  if (!succeeded(result_.get())) {
    Result failed = std::move(result_);
    throw_result_error(failed.get(), conn_.raw(), "statement");
  }
}

}  // namespace

std::string redact_postgres_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto at = url.find('@', scheme + 3);
  const auto slash = url.find('/', scheme + 3);
  std::string out = url;
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    const auto colon = url.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out = url.substr(0, colon + 1) + "***" + url.substr(at);
  }
  const auto pw = out.find("password=");
  if (pw != std::string::npos) {
    const auto end = out.find('&', pw);
    out = out.substr(0, pw + 9) + "***" + (end == std::string::npos ? "" : out.substr(end));
  }
  return out;
}

std::unique_ptr<Connection> open_postgres(const std::string& url, bool read_only) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (!conn) throw SqlError(SqlErrorKind::other, "cannot allocate a PostgreSQL connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    PQfinish(conn);
    throw SqlError(SqlErrorKind::busy, "cannot connect to " + redact_postgres_url(url) + ": " + message);
  }
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  auto owned = std::make_unique<PgConnection>(conn, read_only);
  if (PQsetClientEncoding(conn, "UTF8") != 0) throw SqlError(SqlErrorKind::other, "PostgreSQL: cannot use UTF8");
  // Integer milliseconds need no time zone; a reader cannot write even outside a transaction.
  owned->execute(read_only ? "SET default_transaction_read_only = on" : "SET default_transaction_read_only = off");
  return owned;
}

}  // namespace outreach::storage
