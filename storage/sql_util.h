#pragma once
// Small helpers for store implementations.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.h"
#include "storage/database.h"
#include "storage/sql.h"

namespace outreach::storage {

// Runs `fn` (returning a core::Result or core::Status), turning a database exception into the store's
// error for `operation` (storage_error, storage/database.h): for stores whose every method returns
// Result, reads included.
template <typename Fn>
auto guarded_store(const char* operation, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return storage_error(e, operation);
  }
}

// Whether `e` is a database error of `kind` (storage/sql.h), on any backend.
inline bool is_sql_error(const std::exception& e, SqlErrorKind kind) {
  auto* se = dynamic_cast<const SqlError*>(&e);
  return se && se->kind() == kind;
}

inline void bind_text_or_null(Statement& st, int index, const std::string& value) {
  if (value.empty()) st.bind(index); else st.bind(index, value);
}

inline void bind_optional(Statement& st, int index, const std::optional<std::int64_t>& value) {
  if (value) st.bind(index, static_cast<int64_t>(*value)); else st.bind(index);
}

inline std::optional<std::int64_t> optional_int64(const Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

// Runs an `INSERT ... RETURNING id` of one row to its end (SQLite writes on the first step and
// finishes the statement on the last) and gives the id of the row it inserted, or nothing when
// it inserted none (`ON CONFLICT DO NOTHING`).
inline std::optional<std::int64_t> inserted_id(Statement& st) {
  if (!st.executeStep()) return std::nullopt;
  const std::int64_t id = st.getColumn(0).getInt64();
  while (st.executeStep()) {
  }
  return id;
}

// The same where a row is always inserted; throws SqlError if none was.
inline std::int64_t returning_id(Statement& st) {
  if (auto id = inserted_id(st)) return *id;
  throw SqlError(SqlErrorKind::misuse, "INSERT ... RETURNING id returned no row");
}

// A JSON array of ids ("[1,2,3]"), bound as one parameter of a prepared statement that reads it
// as a set, one statement for any number of ids, written per dialect (storage/sql.h, Sql):
//   SQLite:     x IN (SELECT value FROM json_each(?))
//   PostgreSQL: x IN (SELECT value::bigint FROM json_array_elements_text(?::json))
// On a read path that runs for every page, SQLite does better with the list as the outer loop of
// a join, `FROM json_each(?) j CROSS JOIN t ON t.x = j.value`: IN (subquery) first copies the list
// into a temporary b-tree. The join gives a row per list entry (pass unique values) and promises no
// order (sort in C++ where it matters; an ORDER BY there brings the temporary b-tree back).
inline std::string id_list_json(const std::vector<std::int64_t>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  return out + "]";
}

// The ids in ascending order, each once: for a join over a list (above).
inline std::vector<std::int64_t> sorted_unique(std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// The same for text values (JSON string escaping). The values bound today are ASCII (municipality
// and region codes, hex hashes); a value that is not UTF-8 would be looked up with U+FFFD in place
// of its bad bytes (PostgreSQL refuses such text in a parameter, and the JSON would be invalid).
inline std::string text_list_json(const std::vector<std::string>& values) {
  std::string out = "[";
  std::size_t size = 2;
  for (const auto& v : values) size += v.size() + 3;
  out.reserve(size);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    core::append_json_string(out, values[i]);
  }
  return out + "]";
}

}  // namespace outreach::storage
