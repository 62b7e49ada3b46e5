#pragma once
// RFC 4180 CSV as spreadsheets write it: UTF-8 with or without BOM (decode other encodings first with
// core::decode_text_file), comma or semicolon separated
// (detected from the header line; Dutch Excel writes ';'), quoted fields with "" escapes and line
// breaks inside quotes. Each record keeps the line number it started on, for error messages.

#include <string>
#include <string_view>
#include <vector>

namespace outreach::core {

struct CsvRecord {
  int line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

struct CsvTable {
  char separator = ',';
  std::vector<CsvRecord> records;  // the header is records[0]
  std::string error;               // non-empty on an unterminated quote (names the line)
};

CsvTable parse_csv(std::string_view text);

}  // namespace outreach::core
