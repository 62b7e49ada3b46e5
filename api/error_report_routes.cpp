// Errors in the process (services/error_reports.h): who may report, list and resolve is the
// service's rule; the table of kinds below only turns away kinds that never may.
//   POST /v1/error-reports               {contact_id, kind, description?} -> 201 {id, sla_due_at}
//   GET  /v1/error-reports               ?status=open|resolved &municipality= &overdue=true &limit=
//   POST /v1/error-reports/{id}/resolve  {resolution} -> the resolved report
//   POST /u/{token}/error                public: the person reports from the page their e-mail
//                                        links to (form kind=...); the token is the authority
// No audit_action here: the service writes its records in its own transaction.

#include "api/errors.h"
#include "api/route_util.h"
#include "api/router.h"
#include "channels/form_encoding.h"
#include "core/json_text.h"
#include "services/error_reports.h"
#include "services/unsubscribe.h"
#include "storage/database.h"

namespace outreach::api {

using storage::PrincipalKind;

namespace {

json report_json(const services::ErrorReportView& v) {
  const storage::ErrorReport& r = v.report;
  json out = {{"id", r.id},
              {"contact_id", r.contact_id},
              {"municipality", r.municipality},
              {"case_id", r.case_id ? json(*r.case_id) : json(nullptr)},
              {"reporter_kind", r.reporter_kind},
              {"reporter", r.reporter},
              {"kind", storage::to_string(r.kind)},
              {"description", r.description},
              {"status", r.status},
              {"opened_at", core::format_utc(r.opened_at)},
              {"sla_due_at", core::format_utc(r.sla_due_at)},
              {"overdue", v.overdue},
              {"resolved_at", r.resolved_at ? json(core::format_utc(*r.resolved_at)) : json(nullptr)},
              {"resolved_by", r.resolved_by},
              {"resolution", r.resolution}};
  return out;
}


Response report(ApiContext& ctx, Call& call) {
  auto body = parse_json_object(call.request);
  if (!body) return fail(body.error());
  services::ErrorReportRequest req;
  auto id = body->find("contact_id");
  if (id == body->end() || !id->is_number_integer() || id->get<std::int64_t>() <= 0) {
    return invalid_field("contact_id", "expected a positive integer");
  }
  req.contact_id = id->get<std::int64_t>();
  auto kind = string_field(*body, "kind", false, 40);
  if (!kind) return fail(kind.error());
  if (*kind) req.kind = **kind;
  auto description = string_field(*body, "description", false, 500);
  if (!description) return fail(description.error());
  if (*description) req.description = **description;
  services::ErrorReports reports(*call.db, *ctx.clock, *ctx.config);
  auto opened = reports.report(actor_of(call), req);
  if (!opened) return fail(opened.error());
  return json_response(core::json_text(json{{"id", *opened}, {"status", "open"}}), 201);
}

Response list(ApiContext& ctx, Call& call) {
  storage::ErrorReportFilter filter;
  const auto& q = call.request.query;
  if (auto it = q.find("status"); it != q.end() && !it->second.empty()) {
    if (it->second != "open" && it->second != "resolved") return invalid_field("status", "expected open or resolved");
    filter.status = it->second;
  }
  if (auto it = q.find("municipality"); it != q.end() && !it->second.empty()) filter.municipality = it->second;
  if (auto it = q.find("overdue"); it != q.end()) filter.overdue_only = it->second == "true" || it->second == "1";
  auto limit = int_param(call.request, "limit", 200, 1, ctx.max_page);
  if (!limit) return fail(limit.error());
  filter.limit = static_cast<int>(*limit);
  services::ErrorReports reports(*call.db, *ctx.clock, *ctx.config);
  auto rows = reports.list(actor_of(call), filter);
  if (!rows) return fail(rows.error());
  json items = json::array();
  for (const auto& r : *rows) items.push_back(report_json(r));
  return json_response(core::json_text(json{{"error_reports", std::move(items)}}));
}

Response resolve(ApiContext& ctx, Call& call) {
  auto id = parse_id(call.param("id"));
  if (!id) return invalid_field("id", "expected a positive integer");
  auto body = parse_json_object(call.request);
  if (!body) return fail(body.error());
  auto resolution = string_field(*body, "resolution", true, 500);
  if (!resolution) return fail(resolution.error());
  services::ErrorReports reports(*call.db, *ctx.clock, *ctx.config);
  auto done = reports.resolve(actor_of(call), *id, **resolution);
  if (!done) return fail(done.error());
  return json_response(core::json_text(report_json(*done)));
}

Response report_from_page(ApiContext& ctx, Call& call) {
  const auto not_found = [] { return json_response(net::json_error_body("not_found", "no such route"), 404); };
  if (!ctx.unsubscribe) return json_response(net::json_error_body("transient", "not available"), 503);
  call.actor = "unsubscribe";
  auto state = ctx.unsubscribe->look_up(call.param("token"));
  if (!state) return not_found();
  std::string kind = "wrong_person";
  if (!call.request.body.empty()) {
    auto fields = channels::form_decode(call.request.body);
    if (!fields) return invalid_field("body", "expected a form (kind=...)");
    if (const std::string* k = channels::find_field(*fields, "kind"); k && !k->empty()) kind = *k;
  }
  services::ErrorReports reports(*call.db, *ctx.clock, *ctx.config);
  auto opened = reports.report_by_person(state->contact_id, kind, {}, "unsubscribe:" + std::to_string(state->message_id),
                                         call.request_id);
  if (!opened) return opened.error().code == core::ErrorCode::not_found ? not_found() : fail(opened.error());
  Response r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = state->language == "en"
               ? "Thank you. We will send you no more messages until someone has looked into it.\n"
               : "Dank u. Wij sturen u geen berichten meer tot een medewerker dit heeft bekeken.\n";
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

}  // namespace

void add_error_report_routes(Router& router) {
  ApiContext* ctx = &router.context();
  using K = PrincipalKind;
  const std::vector<K> reporters = {K::coordinator,       K::municipality, K::regional_hub,
                                    K::national_fallback, K::volunteer,    K::intermediary};
  router.add({.method = "POST", .pattern = "/v1/error-reports", .kinds = reporters,
              .handler = [ctx](Call& call) { return report(*ctx, call); }});
  router.add({.method = "GET", .pattern = "/v1/error-reports", .kinds = {K::coordinator},
              .handler = [ctx](Call& call) { return list(*ctx, call); }});
  router.add({.method = "POST", .pattern = "/v1/error-reports/{id}/resolve", .kinds = {K::coordinator},
              .handler = [ctx](Call& call) { return resolve(*ctx, call); }});
  router.add({.method = "POST", .pattern = "/u/{token}/error", .is_public = true,
              .handler = [ctx](Call& call) { return report_from_page(*ctx, call); }});
}

}  // namespace outreach::api
