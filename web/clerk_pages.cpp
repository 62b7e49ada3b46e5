// The pages of a municipality clerk, a regional hub and the national fallback: the cases I own
// (filtered, paged, the late ones marked in words), the response list as CSV or XLSX, and the
// case page with its actions (web/case_page.cpp). A client of services::CaseDesk and
// services::ResponseLists, like the API's /v1/cases and /v1/municipalities/{code}/responses.

#include "channels/form_encoding.h"
#include "core/text.h"
#include "services/case_desk.h"
#include "services/response_files.h"
#include "services/response_lists.h"
#include "web/case_view.h"
#include "web/clerk_pages.h"
#include "web/render.h"
#include "web/strings.h"
#include "web/web.h"

namespace outreach::web {

using storage::PrincipalKind;

namespace {

const std::vector<PrincipalKind> kOwners = {PrincipalKind::municipality, PrincipalKind::regional_hub,
                                            PrincipalKind::national_fallback};

std::string query(const PageRequest& r, const std::string& name) {
  const std::string* v = r.query_value(name);
  return v ? *v : std::string();
}

// The list's filters as the page reads them from its query: state "active" unless another is chosen.
struct ListQuery {
  std::string state = "active";
  bool overdue = false;
  std::string municipality;
  std::string name;
  std::int64_t after = 0;

  static ListQuery from(const PageRequest& r) {
    ListQuery q;
    if (std::string s = query(r, "state"); !s.empty()) q.state = s;
    q.overdue = query(r, "overdue") == "1";
    q.municipality = core::trimmed(query(r, "municipality"));
    q.name = core::trimmed(query(r, "name"));
    const std::string after = query(r, "after");
    if (!after.empty() && after.size() < 19 && after.find_first_not_of("0123456789") == std::string::npos) {
      q.after = std::stoll(after);
    }
    return q;
  }
  services::CaseFilter filter() const {
    return {.state = state, .overdue = overdue, .municipality = municipality,
            .name = name, .after_id = after, .limit = kCasesPerPage};
  }
  // "/cases?state=...&..." for this query from cursor `from` (0: the first page).
  std::string href(std::int64_t from) const {
    channels::FormFields f{{"state", state}};
    if (overdue) f.emplace_back("overdue", "1");
    if (!municipality.empty()) f.emplace_back("municipality", municipality);
    if (!name.empty()) f.emplace_back("name", name);
    if (from > 0) f.emplace_back("after", std::to_string(from));
    return "/cases?" + channels::form_encode(f);
  }
};

Data filter_data(const PageRequest& r, const ListQuery& q) {
  Data data{Data::type::object};
  kainjow::mustache::list states;
  for (const char* s : {"active", "waiting", "open", "acknowledged", "in_contact", "escalated_hub",
                        "escalated_fallback", "closed", "all"}) {
    const std::string value = s;
    const std::string key = "cases_state_" + value;
    Data o{Data::type::object};
    o.set("value", value);
    o.set("label", strings(r.lang).count(key) ? text(r, key) : state_label(r, value));
    o.set("selected", value == q.state);
    states.push_back(o);
  }
  data.set("states", states);
  data.set("overdue_only", q.overdue);
  data.set("name", q.name);
  data.set("municipality", q.municipality);
  // A clerk's cases are all of one municipality; a hub and the fallback may narrow to one.
  data.set("choose_municipality", !r.actor->is(PrincipalKind::municipality));
  data.set("own_municipality", r.actor->is(PrincipalKind::municipality) ? r.actor->scope : std::string());
  return data;
}

PageResponse case_list(WebContext& ctx, PageRequest& r) {
  const ListQuery q = ListQuery::from(r);
  Data data = filter_data(r, q);
  FormErrors errors;
  auto page = services::CaseDesk(*r.db, *ctx.clock, *ctx.config, r.pending_audit).list(*r.actor, q.filter());
  if (!page) {
    const std::string& field = page.error().where;
    if (field == "municipality") errors.add("municipality", text(r, "cases_municipality_bad"));
    else if (field == "name") errors.add("name", text(r, "cases_name_bad"));
    else if (field == "state") errors.add("state", text(r, "cases_state_bad"));
    else return show_error(r, page.error());
    data.set("rows", kainjow::mustache::list{});
    data.set("none", true);
    return render_page(r, "cases", "cases_title", std::move(data), errors, 400);
  }
  kainjow::mustache::list rows;
  for (const auto& item : page->items) rows.push_back(case_row_data(r, item.row, item.overdue));
  data.set("shown", std::to_string(rows.size()));
  data.set("none", rows.empty());
  data.set("rows", rows);
  if (r.actor->is(PrincipalKind::municipality)) {
    data.set("owner_text", text(r, "cases_owner_municipality") + " " + page->owner);
  } else {
    data.set("owner_text", text(r, r.actor->is(PrincipalKind::regional_hub) ? "cases_owner_hub" : "cases_owner_fallback") +
                               (r.actor->is(PrincipalKind::regional_hub) ? " " + page->owner : std::string()));
  }
  if (q.after > 0) data.set("first_href", q.href(0));
  if (page->more) data.set("next_href", q.href(page->next_after));
  data.set("paging", q.after > 0 || page->more);
  return render_page(r, "cases", "cases_title", std::move(data));
}

// GET /cases/download?municipality=GM0599&format=csv|xlsx: the response list as a file.
PageResponse download(WebContext& ctx, PageRequest& r) {
  const std::string format = query(r, "format");
  std::string code = core::trimmed(query(r, "municipality"));
  if (code.empty() && r.actor->is(PrincipalKind::municipality)) code = r.actor->scope;
  if (code.empty() || (format != "csv" && format != "xlsx")) {
    ListQuery q = ListQuery::from(r);
    Data data = filter_data(r, q);
    FormErrors errors;
    errors.add("download-municipality", text(r, "cases_download_which"));
    data.set("rows", kainjow::mustache::list{});
    data.set("none", true);
    return render_page(r, "cases", "cases_title", std::move(data), errors, 400);
  }
  services::ResponseLists lists(*r.db, *ctx.clock, *ctx.config);
  storage::ResponseQuery rq;
  rq.municipality = code;
  auto bytes = format == "xlsx" ? services::response_list_xlsx(lists, *r.actor, rq)
                                : services::response_list_csv(lists, *r.actor, rq);
  if (!bytes) return show_error(r, bytes.error());
  return format == "xlsx" ? PageResponse::file(services::kXlsxContentType, "responses-" + code + ".xlsx", std::move(*bytes))
                          : PageResponse::file("text/csv; charset=utf-8", "responses-" + code + ".csv", std::move(*bytes));
}

}  // namespace

void add_clerk_pages(PageRouter& router) {
  WebContext* ctx = &router.context();
  router.add({.method = "GET", .pattern = "/cases", .kinds = kOwners,
              .handler = [ctx](PageRequest& r) { return case_list(*ctx, r); },
              .on_reader = true});
  router.add({.method = "GET", .pattern = "/cases/download", .kinds = kOwners,
              .handler = [ctx](PageRequest& r) { return download(*ctx, r); }});
  add_case_page(router, kOwners);
}

}  // namespace outreach::web
