#include "services/response_files.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "core/csv_writer.h"
#include "services/response_export.h"

namespace outreach::services {
namespace {

constexpr int kPage = 500;
constexpr std::size_t kMaxCell = 32767;  // Excel's limit on the characters of one cell

// Columns written as numbers (the rest are text cells), and each column's width in characters.
const std::set<std::string>& numeric_columns() {
  static const std::set<std::string> numeric = {"id", "contact_id", "case_id"};
  return numeric;
}
double width_of(const std::string& column) {
  static const std::map<std::string, double> widths = {
      {"id", 8},       {"received_at", 21}, {"channel", 10}, {"contact_id", 11}, {"name", 28},    {"language", 9},
      {"phone", 16},   {"email", 30},       {"text", 50},    {"keyword", 9},     {"case_id", 9},  {"case_status", 13}};
  auto it = widths.find(column);
  return it == widths.end() ? 14 : it->second;
}

// Text XML 1.0 can carry, at most kMaxCell bytes (so at most kMaxCell characters), cut at a
// character boundary. The text is UTF-8 already (stored text always is).
std::string cell_text(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char ch : text) {
    if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
      out += "\xEF\xBF\xBD";
    } else {
      out += static_cast<char>(ch);
    }
  }
  if (out.size() > kMaxCell) {
    std::size_t cut = kMaxCell;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    out.resize(cut);
  }
  return out;
}

// A temporary file that is removed when this goes out of scope.
class TempFile {
 public:
  TempFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "outreach-xlsx-XXXXXX").string();
    int fd = ::mkstemp(pattern.data());
    if (fd >= 0) {
      ::close(fd);
      path_ = pattern;
    }
  }
  ~TempFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// One worksheet of rows, written in order (constant memory: a row goes to disk when the next starts).
class Sheet {
 public:
  explicit Sheet(const std::string& path) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    tmpdir_ = std::filesystem::temp_directory_path().string();
    options.tmpdir = tmpdir_.data();
    book_ = workbook_new_opt(path.c_str(), &options);
    if (book_) sheet_ = workbook_add_worksheet(book_, "Reacties");
  }
  ~Sheet() {
    if (book_) workbook_close(book_);  // an unfinished workbook: closed, its file dropped by TempFile
  }
  Sheet(const Sheet&) = delete;
  Sheet& operator=(const Sheet&) = delete;

  bool ok() const { return book_ && sheet_ && error_ == LXW_NO_ERROR; }
  std::string error() const {
    return error_ == LXW_NO_ERROR ? "cannot create the workbook" : std::string(lxw_strerror(error_));
  }

  void header(const std::vector<std::string>& columns) {
    columns_ = columns;
    lxw_format* bold = workbook_add_format(book_);
    format_set_bold(bold);
    for (lxw_col_t c = 0; c < columns.size(); ++c) check(worksheet_set_column(sheet_, c, c, width_of(columns[c]), nullptr));
    for (lxw_col_t c = 0; c < columns.size(); ++c) check(worksheet_write_string(sheet_, 0, c, columns[c].c_str(), bold));
    worksheet_freeze_panes(sheet_, 1, 0);
  }

  void row(const std::vector<std::string>& fields) {
    ++row_;
    for (lxw_col_t c = 0; c < fields.size() && c < columns_.size(); ++c) {
      const std::string& v = fields[c];
      if (v.empty()) continue;
      if (numeric_columns().count(columns_[c])) {
        check(worksheet_write_number(sheet_, row_, c, std::strtod(v.c_str(), nullptr), nullptr));
      } else {
        check(worksheet_write_string(sheet_, row_, c, cell_text(v).c_str(), nullptr));
      }
    }
  }

  // Puts the auto-filter over the header and the rows written, and closes the workbook (writes the file).
  bool close() {
    check(worksheet_autofilter(sheet_, 0, 0, row_, static_cast<lxw_col_t>(columns_.size() - 1)));
    lxw_error e = workbook_close(book_);
    book_ = nullptr;
    check(e);
    return error_ == LXW_NO_ERROR;
  }

 private:
  void check(lxw_error e) {
    if (e != LXW_NO_ERROR && error_ == LXW_NO_ERROR) error_ = e;
  }

  std::string tmpdir_;
  lxw_workbook* book_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_error error_ = LXW_NO_ERROR;
  std::vector<std::string> columns_;
  lxw_row_t row_ = 0;
};

// Every row the policy lets through, page by page, to `write`.
core::Status for_each_row(ResponseLists& lists, const Actor& actor, storage::ResponseQuery q, std::int64_t max_rows,
                          const std::function<void(const storage::SharedResponse&)>& write) {
  std::int64_t written = 0;
  while (true) {
    q.limit = kPage;
    auto page = lists.page(actor, q);
    if (!page) return page.error();
    for (const auto& s : page->rows) {
      if (max_rows > 0 && written == max_rows) return {};
      write(s);
      ++written;
    }
    if (!page->more) return {};
    q.after_id = page->next_after;
  }
}

}  // namespace

core::Result<std::string> response_list_csv(ResponseLists& lists, const Actor& actor, storage::ResponseQuery q,
                                            std::int64_t max_rows) {
  if (auto st = lists.open(actor, q.municipality, "csv", true); !st) return st.error();
  const core::CsvWriter csv(kResponseCsv);
  std::string out = csv.start() + csv.row(response_columns());
  auto st = for_each_row(lists, actor, q, max_rows, [&](const storage::SharedResponse& s) { out += csv.row(response_fields(s)); });
  if (!st) return st.error();
  return out;
}

core::Result<std::string> response_list_xlsx(ResponseLists& lists, const Actor& actor, storage::ResponseQuery q,
                                             std::int64_t max_rows) {
  if (auto st = lists.open(actor, q.municipality, "xlsx", true); !st) return st.error();
  TempFile file;
  if (file.path().empty()) return core::Error::internal("cannot create a temporary file for the workbook", "xlsx");
  {
    Sheet sheet(file.path());
    if (!sheet.ok()) return core::Error::internal(sheet.error(), "xlsx");
    sheet.header(response_columns());
    auto st = for_each_row(lists, actor, q, max_rows, [&](const storage::SharedResponse& s) { sheet.row(response_fields(s)); });
    if (!st) return st.error();
    if (!sheet.close()) return core::Error::internal("writing the workbook failed: " + sheet.error(), "xlsx");
  }
  std::ifstream in(file.path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return core::Error::internal("cannot read the workbook back", "xlsx");
  return bytes;
}

}  // namespace outreach::services
