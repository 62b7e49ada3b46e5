#pragma once
// How a municipality's response list is written out, the same in every client: the API's JSON and
// CSV, `outreach responses export`, and the pages' downloads. One set of columns, in one order.

#include <string>
#include <vector>

#include "core/csv_writer.h"

namespace outreach::core {
class JsonWriter;
}
namespace outreach::storage {
struct SharedResponse;
}

namespace outreach::services {

// UTF-8 with a BOM and commas: what Dutch Excel opens without asking.
inline constexpr core::CsvFormat kResponseCsv{.separator = ',', .bom = true};

// id, received_at, channel, contact_id, name, language, phone, email, text, keyword, case_id, case_status
const std::vector<std::string>& response_columns();
// One row's fields in column order (absent ids are empty).
std::vector<std::string> response_fields(const storage::SharedResponse& s);
// One row as a JSON object with the same names (absent ids are null), members in name order as
// nlohmann's sorted object wrote them before: the API's page and `responses export --format json`.
void write_response_json(core::JsonWriter& out, const storage::SharedResponse& s);

}  // namespace outreach::services
