#include "services/response_export.h"

#include "core/clock.h"
#include "core/json_writer.h"
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

void write_response_json(core::JsonWriter& out, const storage::SharedResponse& s) {
  const auto& r = s.response;
  out.begin_object().key("case_id");
  if (s.case_id) out.value(s.case_id); else out.null();
  out.key("case_status").value(s.case_status).key("channel").value(r.channel).key("contact_id");
  if (r.contact_id) out.value(*r.contact_id); else out.null();
  out.key("email").value(s.email)
      .key("id").value(r.id)
      .key("keyword").value(r.keyword)
      .key("language").value(s.language)
      .key("name").value(s.name)
      .key("phone").value(s.phone)
      .key("received_at").value(core::format_utc(r.received_at))
      .key("text").value(r.text)
      .end_object();
}

}  // namespace outreach::services
