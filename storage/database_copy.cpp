#include "storage/database_copy.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "core/text_encoding.h"
#include "storage/advisory_locks.h"
#include "storage/audit_log.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/sql.h"

namespace outreach::storage {
namespace {

constexpr std::size_t kMaxBatchBytes = 16u << 20;

// What a target column takes, by its PostgreSQL type.
enum class Kind { integer, floating, text, bytea, boolean };

struct TargetColumn {
  std::string name;
  std::string type;  // information_schema's data_type: "bigint", "text", ...
  Kind kind = Kind::text;
  bool identity = false;
};

struct TablePlan {
  std::string name;
  std::vector<std::string> columns;      // source order = target order after matching
  std::vector<TargetColumn> target;      // the same columns, as the target has them
  std::vector<std::string> primary_key;  // source primary-key columns, in key order
  bool has_rowid = true;
};

std::string quoted(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::optional<Kind> kind_of_type(const std::string& type) {
  if (type == "bigint" || type == "integer" || type == "smallint") return Kind::integer;
  if (type == "double precision" || type == "real" || type == "numeric") return Kind::floating;
  if (type == "text" || type == "character varying" || type == "character") return Kind::text;
  if (type == "bytea") return Kind::bytea;
  if (type == "boolean") return Kind::boolean;
  return std::nullopt;
}

core::Error failed(const std::string& message) { return core::Error::internal(message, "migrate"); }

// The source's tables (not SQLite's own), with their CREATE text.
std::map<std::string, std::string> source_tables(Database& source) {
  std::map<std::string, std::string> out;
  Statement st(source, "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
  while (st.executeStep()) out[st.getColumn(0).getString()] = st.getColumn(1).getString();
  return out;
}

// The target's tables, but schema_version (each database records its own).
std::set<std::string> target_tables(Database& target) {
  std::set<std::string> out;
  Statement st(target,
               "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
               "AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'");
  while (st.executeStep()) out.insert(st.getColumn(0).getString());
  return out;
}

core::Result<TablePlan> plan_table(Database& source, Database& target, const std::string& table,
                                   const std::string& create_sql) {
  TablePlan plan;
  plan.name = table;
  std::string upper = create_sql;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  plan.has_rowid = upper.find("WITHOUT ROWID") == std::string::npos;

  std::vector<std::pair<int, std::string>> key;
  Statement cols(source, "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid");
  cols.bind(1, table);
  while (cols.executeStep()) {
    plan.columns.push_back(cols.getColumn(0).getString());
    if (const int pk = cols.getColumn(1).getInt(); pk > 0) key.emplace_back(pk, plan.columns.back());
  }
  std::sort(key.begin(), key.end());
  for (auto& [n, name] : key) plan.primary_key.push_back(name);

  std::map<std::string, TargetColumn> target_columns;
  Statement tc(target,
               "SELECT column_name, data_type, is_identity FROM information_schema.columns "
               "WHERE table_schema = current_schema() AND table_name = ?");
  tc.bind(1, table);
  while (tc.executeStep()) {
    TargetColumn c{tc.getColumn(0).getString(), tc.getColumn(1).getString(), Kind::text, tc.getColumn(2).getString() == "YES"};
    auto kind = kind_of_type(c.type);
    if (!kind) return failed("column " + table + "." + c.name + " has type " + c.type + " on PostgreSQL, which the copy does not know");
    c.kind = *kind;
    target_columns.emplace(c.name, c);
  }
  for (const auto& column : plan.columns) {
    auto it = target_columns.find(column);
    if (it == target_columns.end())
      return failed("column " + table + "." + column + " is in the SQLite database but not in the PostgreSQL schema; "
                    "the copy would lose it");
    plan.target.push_back(it->second);
    target_columns.erase(it);
  }
  if (!target_columns.empty())
    return failed("column " + table + "." + target_columns.begin()->first +
                  " is in the PostgreSQL schema but not in the SQLite database; the schemas differ");
  return plan;
}

// One column's values of a batch as a PostgreSQL array literal: {"text",NULL,12}.
class ArrayBuilder {
 public:
  void null() { sep() += "NULL"; }
  void bare(std::string_view v) { sep() += v; }
  void text(std::string_view v) {
    std::string& s = sep();
    s += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') s += '\\';
      s += c;
    }
    s += '"';
  }
  void bytes(std::string_view v) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string& s = sep();
    s += "\"\\\\x";  // "\\x..." : the array parser turns \\ into the \ of bytea's hex form
    for (unsigned char c : v) {
      s += kHex[c >> 4];
      s += kHex[c & 15];
    }
    s += '"';
  }
  std::string take() {
    std::string out = "{" + buf_ + "}";
    buf_.clear();
    return out;
  }
  std::size_t size() const { return buf_.size(); }

 private:
  std::string& sep() {
    if (!buf_.empty()) buf_ += ',';
    return buf_;
  }
  std::string buf_;
};

std::string real_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Copies one table; the rows copied.
core::Result<std::int64_t> copy_table(Database& source, Database& target, const TablePlan& t, const CopyOptions& options) {
  std::string select = "SELECT " + std::string(t.has_rowid ? "rowid" : "NULL");
  for (const auto& c : t.columns) select += ", typeof(" + quoted(c) + "), " + quoted(c);
  select += " FROM " + quoted(t.name) + " ORDER BY ";
  if (!t.primary_key.empty()) {
    for (std::size_t i = 0; i < t.primary_key.size(); ++i) select += (i ? ", " : "") + quoted(t.primary_key[i]);
  } else {
    select += t.has_rowid ? "rowid" : "1";
  }

  bool identity = false;
  std::string insert = "INSERT INTO " + quoted(t.name) + " (";
  std::string arrays;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    insert += (i ? ", " : "") + quoted(t.columns[i]);
    arrays += std::string(i ? ", " : "") + "?::" + t.target[i].type + "[]";
    identity = identity || t.target[i].identity;
  }
  insert += ") ";
  if (identity) insert += "OVERRIDING SYSTEM VALUE ";
  insert += "SELECT * FROM unnest(" + arrays + ")";

  Statement read(source, select);
  Statement write(target, insert);
  std::vector<ArrayBuilder> batch(t.columns.size());
  std::size_t in_batch = 0;
  std::int64_t rows = 0;
  auto flush = [&] {
    if (in_batch == 0) return;
    for (std::size_t i = 0; i < batch.size(); ++i) write.bind(static_cast<int>(i + 1), batch[i].take());
    write.exec();
    write.reset();
    in_batch = 0;
  };

  while (read.executeStep()) {
    const std::int64_t rowid = t.has_rowid ? read.getColumn(0).getInt64() : rows + 1;
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      const int at = static_cast<int>(1 + 2 * i);
      const std::string type = read.getColumn(at).getString();
      const Column value = read.getColumn(at + 1);
      const TargetColumn& col = t.target[i];
      ArrayBuilder& out = batch[i];
      auto refuse = [&](const std::string& why) {
        const std::string row = t.has_rowid ? "row id " + std::to_string(rowid)
                                            : "row " + std::to_string(rowid) + " in primary-key order";
        return core::Error::invalid(t.name + "." + col.name + " of " + row + " " + why +
                                    "; fix the row in the SQLite database and migrate again");
      };
      if (type == "null") {
        out.null();
      } else if (col.kind == Kind::integer || col.kind == Kind::boolean) {
        if (type != "integer") return refuse("holds a " + type + " value, but the PostgreSQL column is " + col.type);
        const std::int64_t v = value.getInt64();
        if (col.kind == Kind::boolean && v != 0 && v != 1)
          return refuse("holds " + std::to_string(v) + ", but the PostgreSQL column is boolean (0 or 1)");
        out.bare(std::to_string(v));
      } else if (col.kind == Kind::floating) {
        if (type == "integer") {
          out.bare(std::to_string(value.getInt64()));
        } else if (type == "real") {
          out.text(real_text(value.getDouble()));
        } else {
          return refuse("holds a " + type + " value, but the PostgreSQL column is " + col.type);
        }
      } else if (col.kind == Kind::bytea) {
        if (type != "blob" && type != "text") return refuse("holds a " + type + " value, but the PostgreSQL column is bytea");
        out.bytes(value.getBlob());
      } else if (type == "integer") {  // a text column
        out.bare(std::to_string(value.getInt64()));
      } else if (type == "text") {
        const std::string v = value.getBlob();  // the stored bytes, as they are
        if (auto bad = core::first_invalid_utf8(v))
          return refuse("is not valid UTF-8 (byte " + std::to_string(*bad + 1) + " of " + std::to_string(v.size()) +
                        "), which PostgreSQL refuses");
        if (v.find('\0') != std::string::npos) return refuse("holds a NUL character, which PostgreSQL's text refuses");
        out.text(v);
      } else {
        return refuse("holds a " + type + " value, but the PostgreSQL column is " + col.type);
      }
      bytes += out.size();
    }
    ++rows;
    if (++in_batch >= options.batch_rows || bytes >= kMaxBatchBytes) flush();
  }
  flush();

  for (const auto& col : t.target) {
    if (!col.identity) continue;
    // The next generated id follows the highest copied one (or starts at 1 on an empty table).
    Statement restart(target, "SELECT setval(pg_get_serial_sequence(?1, ?2), coalesce(max(" + quoted(col.name) +
                                  "), 0) + 1, false) FROM " + quoted(t.name));
    restart.bind(1, quoted(t.name));
    restart.bind(2, col.name);
    restart.executeStep();
  }
  return rows;
}

core::Status check_versions(Database& source, Database& target) {
  if (source.dialect() != Dialect::sqlite) return core::Error::invalid("the source must be a SQLite database", "migrate");
  if (target.dialect() != Dialect::postgres)
    return core::Error::invalid("the target must be a PostgreSQL database (postgresql://...)", "--to");
  const int latest = Database::latest_schema_version();
  if (source.schema_version() != latest) {
    return core::Error::invalid("the SQLite database is at schema version " + std::to_string(source.schema_version()) +
                                    ", this program's is " + std::to_string(latest) +
                                    (source.schema_version() < latest ? "; run `outreach init` on it first" : ""),
                                "migrate");
  }
  if (target.schema_version() != static_cast<int>(postgres_migrations().size()) ||
      static_cast<int>(postgres_migrations().size()) != latest) {
    return core::Error::invalid("the PostgreSQL database is at schema version " + std::to_string(target.schema_version()) +
                                    ", not " + std::to_string(latest),
                                "--to");
  }
  return {};
}

}  // namespace

core::Result<std::vector<std::string>> copy_order(Database& source) {
  try {
    std::map<std::string, std::set<std::string>> parents;
    for (const auto& [table, sql] : source_tables(source)) {
      auto& p = parents[table];
      Statement fk(source, "SELECT \"table\" FROM pragma_foreign_key_list(?)");
      fk.bind(1, table);
      while (fk.executeStep()) {
        if (auto parent = fk.getColumn(0).getString(); parent != table) p.insert(parent);
      }
    }
    std::vector<std::string> order;
    std::set<std::string> done;
    while (order.size() < parents.size()) {
      bool progressed = false;
      for (const auto& [table, ps] : parents) {  // by name among the ready ones
        if (done.count(table)) continue;
        if (!std::all_of(ps.begin(), ps.end(), [&](const std::string& p) { return done.count(p) || !parents.count(p); }))
          continue;
        order.push_back(table);
        done.insert(table);
        progressed = true;
        break;
      }
      if (!progressed) {
        std::string cycle;
        for (const auto& [table, ps] : parents)
          if (!done.count(table)) cycle += (cycle.empty() ? "" : ", ") + table;
        return failed("the foreign keys of these tables form a cycle, no order copies parents first: " + cycle);
      }
    }
    return order;
  } catch (const std::exception& e) {
    return storage_error(e, "copy order");
  }
}

core::Result<CopyReport> copy_database(Database& source, Database& target, const CopyOptions& options) {
  if (auto st = check_versions(source, target); !st) return st.error();
  CopyOptions opts = options;
  if (opts.batch_rows == 0) opts.batch_rows = 1;
  CopyReport report;
  // The source in one snapshot; the target in one transaction, rolled back on any error.
  auto st = source.transaction("database copy (reading)", [&]() -> core::Status {
    return target.transaction("database copy", [&]() -> core::Status {
      // A second copy into the same database waits here, then finds the rows of the first.
      target.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kCopyLock) + ")");
      auto order = copy_order(source);
      if (!order) return order.error();
      const auto created = source_tables(source);
      std::set<std::string> remaining = target_tables(target);
      std::vector<TablePlan> plans;
      for (const auto& table : *order) {
        if (!remaining.erase(table))
          return failed("table " + table + " is in the SQLite database but not in the PostgreSQL schema; the copy would lose it");
        auto plan = plan_table(source, target, table, created.at(table));
        if (!plan) return plan.error();
        plans.push_back(std::move(plan).value());
      }
      if (!remaining.empty())
        return failed("table " + *remaining.begin() + " is in the PostgreSQL schema but not in the SQLite database; the schemas differ");
      for (const auto& t : plans) {
        if (target.query_int64("SELECT count(*) FROM (SELECT 1 FROM " + quoted(t.name) + " LIMIT 1) AS any_row") > 0)
          return core::Error::conflict("the PostgreSQL database is not empty: table " + t.name +
                                           " has rows; migrate copies into an empty database only",
                                       "--to");
      }
      for (const auto& t : plans) {
        const std::string what = "copying table " + t.name;
        core::Result<std::int64_t> copied = core::Error::internal("not copied");
        try {
          copied = copy_table(source, target, t, opts);
        } catch (const std::exception& e) {  // a constraint PostgreSQL enforces and SQLite did not
          return storage_error(e, what.c_str());
        }
        if (!copied) return copied.error().within(what);
        TableCount count{t.name, source.query_int64("SELECT count(*) FROM " + quoted(t.name)),
                         target.query_int64("SELECT count(*) FROM " + quoted(t.name))};
        if (count.source_rows != count.target_rows || count.source_rows != *copied)
          return failed("table " + t.name + ": " + std::to_string(count.source_rows) + " rows in SQLite, " +
                        std::to_string(count.target_rows) + " in PostgreSQL after the copy");
        report.rows += count.target_rows;
        report.tables.push_back(count);
        if (opts.on_table) opts.on_table(t.name, *copied);
      }
      AuditLog audit(target);
      if (auto verified = audit.verify(); !verified)
        return failed("the audit log's hash chain does not verify on PostgreSQL after the copy: " + verified.error().what());
      report.audit_records = audit.head().count;
      if (opts.before_commit) return opts.before_commit(target);
      return {};
    });
  });
  if (!st) return st.error();
  return report;
}

}  // namespace outreach::storage
