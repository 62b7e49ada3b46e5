// SQLite-style placeholders to PostgreSQL's (storage/postgres_backend.h). No libpq here.
#include <algorithm>
#include <cctype>

#include "storage/postgres_backend.h"

namespace outreach::storage {

bool is_postgres_url(std::string_view target) {
  return target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0;
}

std::string postgres_placeholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 8);
  int largest = 0;
  const std::size_t n = sql.size();
  std::size_t i = 0;
  // Copies through the end of a quoted run opened at i (quote char q; a doubled q is literal).
  auto copy_quoted = [&](char q) {
    out += sql[i++];
    while (i < n) {
      out += sql[i];
      if (sql[i++] == q) {
        if (i < n && sql[i] == q) {
          out += sql[i++];
          continue;
        }
        return;
      }
    }
  };
  while (i < n) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      copy_quoted(c);
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      const std::size_t end = sql.find('\n', i);
      const std::size_t stop = end == std::string_view::npos ? n : end;
      out.append(sql.substr(i, stop - i));
      i = stop;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      const std::size_t stop = end == std::string_view::npos ? n : end + 2;
      out.append(sql.substr(i, stop - i));
      i = stop;
    } else if (c == '$' && (i == 0 || !(std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_'))) {
      // A dollar quote: $$ or $tag$ up to the same tag ($1 is a parameter, not a quote).
      std::size_t j = i + 1;
      while (j < n && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
      const bool tag_ok = j < n && sql[j] == '$' && (j == i + 1 || !std::isdigit(static_cast<unsigned char>(sql[i + 1])));
      if (!tag_ok) {
        out += sql[i++];
        continue;
      }
      const std::string_view tag = sql.substr(i, j - i + 1);
      const std::size_t end = sql.find(tag, j + 1);
      const std::size_t stop = end == std::string_view::npos ? n : end + tag.size();
      out.append(sql.substr(i, stop - i));
      i = stop;
    } else if (c == '?') {
      std::size_t j = i + 1;
      int number = 0;
      while (j < n && std::isdigit(static_cast<unsigned char>(sql[j])) && number < 100000) {
        number = number * 10 + (sql[j] - '0');
        ++j;
      }
      if (j == i + 1) number = largest + 1;
      largest = std::max(largest, number);
      out += '$';
      out += std::to_string(number);
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  if (count) *count = largest;
  return out;
}

}  // namespace outreach::storage
