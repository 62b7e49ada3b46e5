// csv_import: a contacts file as `outreach contacts import` reads it: encoding detection
// (core::decode_text_file: UTF-8, UTF-8 BOM, UTF-16 with BOM, Windows-1252), the CSV reader
// (',' or ';', quotes, line breaks in quotes) and services::import_contacts on an in-memory
// database (phone, e-mail and WhatsApp parsing, languages, municipalities, tags, consent), rolled
// back after each input so every input starts from the same two municipalities.
// Checked: decoded text and every field are valid UTF-8, records start on increasing lines, and
// every row after the header is counted exactly once (imported, rejected or suppressed).
#include <cstdlib>
#include <memory>

#include "core/csv_reader.h"
#include "core/text_encoding.h"
#include "fuzz/connector_harness.h"
#include "services/contact_import.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/suppression_list.h"

using namespace outreach;

namespace {

struct Fixture {
  std::unique_ptr<storage::Database> db = storage::Database::open(":memory:").take();
  storage::SuppressionList suppressions{*db, "fuzz-suppression-key"};
  Fixture() {
    storage::MunicipalityStore m(*db);
    m.upsert_region({"rijnmond", "Rijnmond", "GM0599"}).take();
    m.upsert({"GM0599", "Rotterdam", "rijnmond"}).take();
    m.upsert({"GM0363", "Amsterdam", ""}).take();
    suppressions.add({core::Urn::parse("tel:+31612345678").take()}, "opted_out", fuzz::fuzz_clock().now()).take();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  std::string bytes(reinterpret_cast<const char*>(data), size);

  std::size_t records = 0;
  if (auto decoded = core::decode_text_file(bytes)) {
    if (!core::is_valid_utf8(decoded->text)) std::abort();
    core::CsvTable table = core::parse_csv(decoded->text);
    int last_line = 0;
    for (const auto& rec : table.records) {
      if (rec.line <= last_line) std::abort();
      last_line = rec.line;
      for (const auto& field : rec.fields) {
        if (!core::is_valid_utf8(field)) std::abort();
      }
    }
    if (table.error.empty()) records = table.records.size();
  } else if (decoded.error().message.empty()) {
    std::abort();
  }

  services::ImportOptions options;
  options.file_name = "contacts.csv";
  options.suppressions = &f.suppressions;
  auto rolled_back = f.db->transaction([&]() -> core::Status {
    auto report = services::import_contacts(*f.db, bytes, options, fuzz::fuzz_clock().now());
    if (report) {
      std::size_t counted = report->imported + report->rejected.size() + report->suppressed.size();
      if (records == 0 || counted != records - 1) std::abort();
    } else if (report.error().message.empty()) {
      std::abort();
    }
    return core::Error::invalid("roll back");
  });
  if (rolled_back) std::abort();
  return 0;
}
