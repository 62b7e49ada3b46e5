#include "web/case_view.h"

#include <date/tz.h>

#include "web/strings.h"

namespace outreach::web {

std::string local_time(core::TimePoint t) {
  try {
    static const date::time_zone* zone = date::locate_zone("Europe/Amsterdam");
    return date::format("%Y-%m-%d %H:%M", date::make_zoned(zone, std::chrono::floor<std::chrono::minutes>(t)));
  } catch (const std::exception&) {  // no time zone database: UTC, said so
    return core::format_utc(t).substr(0, 16) + " UTC";
  }
}

Data time_data(core::TimePoint t) {
  Data d{Data::type::object};
  d.set("iso", core::format_utc(t));
  d.set("local", local_time(t));
  return d;
}

std::string state_label(const PageRequest& r, const std::string& status) {
  const std::string key = "state_" + status;
  return strings(r.lang).count(key) ? text(r, key) : status;
}

std::string owner_label(const PageRequest& r, const storage::Case& c) {
  const std::string key = "owner_" + c.owner_kind;
  std::string label = strings(r.lang).count(key) ? text(r, key) : c.owner_kind;
  if (!c.routed_by.empty()) label += " (" + text(r, "owner_routed") + ")";
  return label;
}

Data case_row_data(const PageRequest& r, const storage::CaseRow& row, bool overdue) {
  const storage::Case& c = row.c;
  Data d{Data::type::object};
  d.set("id", std::to_string(c.id));
  d.set("name", row.name);
  // Mustache shows a section for any string, even an empty one: absent means "none".
  if (!row.phone.empty()) d.set("phone", row.phone);
  if (!row.email.empty()) d.set("email", row.email);
  d.set("language", row.language);
  d.set("municipality", c.municipality);
  d.set("since", time_data(c.opened_at));
  if (c.sla_due_at) d.set("due", time_data(*c.sla_due_at));
  d.set("overdue", overdue);
  d.set("state", state_label(r, c.status));
  d.set("owner", owner_label(r, c));
  if (!c.handler_name.empty()) d.set("handler", c.handler_name);
  return d;
}

}  // namespace outreach::web
