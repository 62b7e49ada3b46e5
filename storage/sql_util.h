#pragma once
// Small helpers for store implementations (not for other folders: includes SQLiteCpp).

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>

namespace outreach::storage {

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

}  // namespace outreach::storage
