#include "core/csv_writer.h"

#include "core/text_encoding.h"

namespace outreach::core {

std::string CsvWriter::start() const { return format_.bom ? std::string("\xEF\xBB\xBF") : std::string(); }

std::string CsvWriter::field(std::string_view value) const {
  std::string s = repair_utf8(value);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) {
    s.insert(s.begin(), '\'');
  }
  if (s.find_first_of(std::string{format_.separator, '"', '\r', '\n'}) == std::string::npos) return s;
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string CsvWriter::row(std::initializer_list<std::string_view> fields) const {
  std::string out;
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out += format_.separator;
    first = false;
    out += field(f);
  }
  out += "\r\n";
  return out;
}

std::string CsvWriter::row(const std::vector<std::string>& fields) const {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += format_.separator;
    out += field(fields[i]);
  }
  out += "\r\n";
  return out;
}

}  // namespace outreach::core
