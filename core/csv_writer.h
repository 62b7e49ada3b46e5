#pragma once
// The one CSV writer every export uses (the CLI's responses and audit exports, the API's response
// list). RFC 4180 as spreadsheets read it:
//  1. rows end in CRLF; a field holding the separator, a quote, CR or LF is quoted, quotes doubled;
//  2. a field starting with = + - @ TAB or CR gets a leading single quote, so a spreadsheet shows
//     it as text instead of running it as a formula ("=HYPERLINK(...)" -> "'=HYPERLINK(...)");
//  3. every field is valid UTF-8 on the way out (bad bytes in stored text become U+FFFD);
//  4. optionally a UTF-8 byte order mark first and ';' as separator, for Dutch Excel.
// Plain value type; safe to share between threads (const use only).

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace outreach::core {

struct CsvFormat {
  char separator = ',';  // ',' or ';'
  bool bom = false;      // start with EF BB BF so Excel reads UTF-8
};

class CsvWriter {
 public:
  explicit CsvWriter(CsvFormat format = {}) : format_(format) {}

  // What goes before the first row: the BOM, or nothing.
  std::string start() const;
  // One record with its CRLF.
  std::string row(std::initializer_list<std::string_view> fields) const;
  std::string row(const std::vector<std::string>& fields) const;
  // One field, neutralised and quoted as needed (no separator, no line end).
  std::string field(std::string_view value) const;

 private:
  CsvFormat format_;
};

}  // namespace outreach::core
