#pragma once
// Small helpers for store implementations (not for other folders: includes SQLiteCpp).

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace outreach::storage {

// Runs `fn` (returning a core::Result or core::Status), turning a SQLite exception into the store's
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

inline void bind_text_or_null(SQLite::Statement& st, int index, const std::string& value) {
  if (value.empty()) st.bind(index); else st.bind(index, value);
}

inline void bind_optional(SQLite::Statement& st, int index, const std::optional<std::int64_t>& value) {
  if (value) st.bind(index, static_cast<int64_t>(*value)); else st.bind(index);
}

inline std::optional<std::int64_t> optional_int64(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

// A JSON array of ids ("[1,2,3]"), bound as one parameter of a prepared statement that reads it
// with `IN (SELECT value FROM json_each(?))`: one statement for any number of ids.
inline std::string id_list_json(const std::vector<std::int64_t>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  return out + "]";
}

// The same for text values (JSON string escaping).
inline std::string text_list_json(const std::vector<std::string>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (unsigned char c : values[i]) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '"';
  }
  return out + "]";
}

}  // namespace outreach::storage
