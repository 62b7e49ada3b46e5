#include "core/csv_reader.h"

namespace outreach::core {

CsvTable parse_csv(std::string_view text) {
  CsvTable table;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  auto header_end = text.find('\n');
  std::string_view header = text.substr(0, header_end);
  std::size_t commas = 0, semicolons = 0;
  bool quoted = false;
  for (char c : header) {
    if (c == '"') quoted = !quoted;
    else if (!quoted && c == ',') ++commas;
    else if (!quoted && c == ';') ++semicolons;
  }
  table.separator = semicolons > commas ? ';' : ',';

  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool in_quotes = false;
    bool end_of_record = false;
    while (i < text.size() && !end_of_record) {
      char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            ++i;
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n') ++line;
          field.push_back(c);
        }
      } else if (c == '"') {
        in_quotes = true;
      } else if (c == table.separator) {
        rec.fields.push_back(std::move(field));
        field.clear();
      } else if (c == '\n') {
        end_of_record = true;
        ++line;
      } else if (c != '\r') {
        field.push_back(c);
      }
      ++i;
    }
    if (in_quotes) {
      table.error = "line " + std::to_string(rec.line) + ": quoted field is never closed";
      return table;
    }
    rec.fields.push_back(std::move(field));
    bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
    if (!blank) table.records.push_back(std::move(rec));
  }
  return table;
}

}  // namespace outreach::core
