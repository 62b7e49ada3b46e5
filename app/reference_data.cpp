#include "app/reference_data.h"

#include <fstream>
#include <map>
#include <sstream>

#include "core/csv_reader.h"
#include "core/text_encoding.h"
#include "storage/database.h"
#include "storage/municipality_store.h"

namespace outreach::app {

core::Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error::invalid("cannot read file", path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

namespace {
core::Result<std::vector<std::map<std::string, std::string>>> read_table(const std::string& path,
                                                                          const std::vector<std::string>& required) {
  auto text = read_file(path);
  if (!text) return text.error();
  auto decoded = core::decode_text_file(*text);
  if (!decoded) return decoded.error().within(path);
  auto table = core::parse_csv(decoded->text);
  if (!table.error.empty()) return core::Error::invalid(table.error, path);
  if (table.records.empty()) return core::Error::invalid("empty file", path);
  const auto& header = table.records[0].fields;
  for (const auto& r : required) {
    if (std::find(header.begin(), header.end(), r) == header.end()) return core::Error::invalid("missing column '" + r + "'", path + ":1");
  }
  std::vector<std::map<std::string, std::string>> rows;
  for (std::size_t i = 1; i < table.records.size(); ++i) {
    std::map<std::string, std::string> row;
    row["#line"] = std::to_string(table.records[i].line);
    for (std::size_t c = 0; c < header.size() && c < table.records[i].fields.size(); ++c) row[header[c]] = table.records[i].fields[c];
    rows.push_back(std::move(row));
  }
  return rows;
}
}  // namespace

core::Result<int> load_municipalities(storage::Database& db, const std::string& municipalities_csv,
                                      const std::string& regions_csv) {
  auto regions = read_table(regions_csv, {"code", "name", "hub"});
  if (!regions) return regions.error();
  auto munis = read_table(municipalities_csv, {"code", "name"});
  if (!munis) return munis.error();
  int count = 0;
  storage::MunicipalityStore store(db);
  auto st = db.transaction([&]() -> core::Status {
    for (auto& r : *regions) {
      if (auto s = store.upsert_region({r["code"], r["name"], r["hub"]}); !s) return s.error().within(regions_csv + ":" + r["#line"]);
    }
    for (auto& r : *munis) {
      storage::Municipality m;
      m.code = r["code"];
      m.name = r["name"];
      m.region_code = r["region"];
      if (!r["valid_from"].empty()) m.valid_from = r["valid_from"];
      m.valid_to = r["valid_to"];
      m.successor_code = r["successor"];
      if (auto s = store.upsert(m); !s) return s.error().within(municipalities_csv + ":" + r["#line"]);
      ++count;
    }
    return {};
  });
  if (!st) return st.error();
  return count;
}

}  // namespace outreach::app
