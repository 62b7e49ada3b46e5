// The coordinator's contacts upload with its import report (rejected lines named by line number and
// field) and the coverage table of municipalities. Clients of services::import_contacts and
// services::CampaignViews::coverage (which reads the scorecards with their small-count suppression).

#include "engine/engine_config.h"
#include "services/campaign_views.h"
#include "services/contact_import.h"
#include "services/scorecards.h"
#include "storage/suppression_list.h"
#include "web/coordinator_data.h"
#include "web/render.h"
#include "web/web.h"

namespace outreach::web {

namespace mstch = kainjow::mustache;
using storage::PrincipalKind;

namespace {

constexpr std::size_t kMaxUpload = 20 * 1024 * 1024;

PageResponse import_form(PageRequest& r, Data data = Data{Data::type::object}, const FormErrors& errors = {},
                         int status = 200) {
  return render_page(r, "coord_import", "coord_import_title", std::move(data), errors, status);
}

// "phone: '06-12' is not a valid phone number" -> field "phone", the rest as the reason.
std::pair<std::string, std::string> split_reason(const std::string& reason) {
  const auto colon = reason.find(": ");
  if (colon == std::string::npos || colon > 40 || reason.find(' ') < colon) return {"", reason};
  return {reason.substr(0, colon), reason.substr(colon + 2)};
}

PageResponse import_contacts(WebContext& ctx, PageRequest& r) {
  const UploadedFile* file = nullptr;
  for (const auto& f : r.files) {
    if (f.field == "contacts") file = &f;
  }
  FormErrors errors;
  if (!file || file->data.empty()) {
    errors.add("contacts-file", text(r, "coord_import_missing"));
    return import_form(r, Data{Data::type::object}, errors, 400);
  }
  if (file->data.size() > kMaxUpload) {
    errors.add("contacts-file", text(r, "coord_import_too_big"));
    return import_form(r, Data{Data::type::object}, errors, 413);
  }
  storage::SuppressionList suppressions(*r.db, ctx.config->suppression_key);
  services::ImportOptions options;
  // The browser's file name, for the report and the consent evidence; never a path we open.
  options.file_name = file->file_name.empty() ? "upload.csv" : file->file_name;
  options.suppressions = &suppressions;
  auto report = services::import_contacts(*r.actor, *r.db, *ctx.clock, file->data, std::move(options));
  if (!report) {
    if (report.error().code != core::ErrorCode::invalid_input) return show_error(r, report.error());
    // A whole-file problem (an unknown column, undecodable bytes): nothing was imported.
    errors.add("contacts-file", text(r, "coord_import_refused") + " " + report.error().what());
    return import_form(r, Data{Data::type::object}, errors, 400);
  }
  mstch::data rep{mstch::data::type::object};
  rep.set("encoding", report->encoding);
  rep.set("summary", text(r, "coord_import_imported") + " " + num(report->imported) + ". " +
                         text(r, "coord_import_rejected_count") + " " +
                         num(static_cast<std::int64_t>(report->rejected.size())) + ". " +
                         text(r, "coord_import_suppressed_count") + " " +
                         num(static_cast<std::int64_t>(report->suppressed.size())) + ".");
  mstch::list rejected;
  for (const auto& rej : report->rejected) {
    auto [field, reason] = split_reason(rej.reason);
    rejected.push_back(mstch::object{{"line", num(rej.line)}, {"field", field}, {"reason", reason}});
  }
  rep.set("has_rejected", !rejected.empty());
  rep.set("rejected", rejected);
  std::string lines;
  for (const auto& s : report->suppressed) lines += (lines.empty() ? "" : ", ") + num(s.line);
  rep.set("has_suppressed", !report->suppressed.empty());
  rep.set("suppressed_lines", lines);
  Data data{Data::type::object};
  data.set("report", rep);
  return import_form(r, std::move(data));
}

std::string date_of(core::TimePoint t) { return core::format_utc(t).substr(0, 10); }

PageResponse coverage_page(WebContext& ctx, PageRequest& r) {
  services::ScorecardRequest period;
  const std::string* from = r.query_value("from");
  const std::string* to = r.query_value("to");
  FormErrors errors;
  if (auto st = services::parse_scorecard_period(from ? *from : "", to ? *to : "", ctx.clock->now(), period); !st) {
    errors.add(st.error().where == "from" ? "from" : "to", text(r, "coord_coverage_bad_period"));
    services::parse_scorecard_period("", "", ctx.clock->now(), period).take();
  }
  auto cov = services::CampaignViews(*r.db, *ctx.clock, *ctx.config, r.pending_audit).coverage(*r.actor, period.from, period.to);
  if (!cov) return show_error(r, cov.error());
  Data data{Data::type::object};
  data.set("from", date_of(cov->from));
  data.set("to", date_of(cov->to - std::chrono::milliseconds(1)));
  data.set("period_text", text(r, "coord_coverage_period") + " " + date_of(cov->from) + " – " +
                              date_of(cov->to - std::chrono::milliseconds(1)) + ".");
  data.set("suppression_text", text(r, "coord_coverage_suppression") + " " + num(cov->small_count_threshold) + ".");
  mstch::list rows;
  for (const auto& row : cov->rows) {
    mstch::list cells;
    for (const auto* c : {&row.known, &row.reached, &row.answered, &row.cases_open, &row.sla_breaches}) {
      cells.push_back(mstch::object{{"shown", cell_text(*c, cov->small_count_threshold)},
                                    {"hidden", c->suppressed},
                                    {"hidden_title", text(r, "coord_coverage_hidden")}});
    }
    rows.push_back(mstch::object{{"name", row.name}, {"code", row.code}, {"total", row.level != "municipality"},
                                 {"cells", cells}});
  }
  data.set("rows", rows);
  return render_page(r, "coord_coverage", "coord_coverage_title", std::move(data), errors, errors.empty() ? 200 : 400);
}

}  // namespace

void add_coordinator_import_pages(PageRouter& router) {
  WebContext* ctx = &router.context();
  using K = PrincipalKind;
  const std::vector<K> importers = {K::coordinator, K::operator_};
  router.add({.method = "GET", .pattern = "/contacts/import", .kinds = importers,
              .handler = [](PageRequest& r) { return import_form(r); }});
  router.add({.method = "POST", .pattern = "/contacts/import", .kinds = importers,
              .handler = [ctx](PageRequest& r) { return import_contacts(*ctx, r); }});
  router.add({.method = "GET", .pattern = "/coverage", .kinds = {K::coordinator},
              .handler = [ctx](PageRequest& r) { return coverage_page(*ctx, r); },
              .on_reader = true});
}

}  // namespace outreach::web
