#include "services/response_export.h"

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "storage/response_store.h"

namespace outreach::services {

const std::vector<std::string>& response_columns() {
  static const std::vector<std::string> columns = {"id",    "received_at", "channel", "contact_id",
                                                   "name",  "language",    "phone",   "email",
                                                   "text",  "keyword",     "case_id", "case_status"};
  return columns;
}

std::vector<std::string> response_fields(const storage::SharedResponse& s) {
  const auto& r = s.response;
  return {std::to_string(r.id), core::format_utc(r.received_at), r.channel,
          r.contact_id ? std::to_string(*r.contact_id) : std::string(), s.name, s.language, s.phone, s.email,
          r.text, r.keyword, s.case_id ? std::to_string(s.case_id) : std::string(), s.case_status};
}

nlohmann::json response_json(const storage::SharedResponse& s) {
  using nlohmann::json;
  const auto& r = s.response;
  return json{{"id", r.id},
              {"received_at", core::format_utc(r.received_at)},
              {"channel", r.channel},
              {"contact_id", r.contact_id ? json(*r.contact_id) : json(nullptr)},
              {"name", s.name},
              {"language", s.language},
              {"phone", s.phone},
              {"email", s.email},
              {"text", r.text},
              {"keyword", r.keyword},
              {"case_id", s.case_id ? json(s.case_id) : json(nullptr)},
              {"case_status", s.case_status}};
}

}  // namespace outreach::services
