// Municipality scorecards and the safety net (issue 12 parts 2 and 3): who may read or act is
// decided by services::Scorecards and services::SafetyNetDesk; here only parsing and formatting.

#include "api/errors.h"
#include "api/route_util.h"
#include "api/router.h"
#include "core/json_text.h"
#include "engine/engine_config.h"
#include "services/safety_net.h"
#include "services/scorecards.h"

namespace outreach::api {

using storage::PrincipalKind;

namespace {

// The kinds each service accepts at all (the services check the scope again, and alone decide it).
const std::vector<PrincipalKind> kReaders = {PrincipalKind::municipality, PrincipalKind::regional_hub,
                                             PrincipalKind::national_fallback, PrincipalKind::coordinator};
const std::vector<PrincipalKind> kFlagReaders = {PrincipalKind::regional_hub, PrincipalKind::national_fallback,
                                                 PrincipalKind::coordinator};
const std::vector<PrincipalKind> kTakeBack = {PrincipalKind::municipality, PrincipalKind::national_fallback,
                                              PrincipalKind::coordinator};
const std::vector<PrincipalKind> kDelegate = {PrincipalKind::municipality, PrincipalKind::coordinator};

std::string query(const Request& r, const char* name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? std::string() : it->second;
}

Response scorecards(ApiContext& ctx, Call& call) {
  const std::string format = query(call.request, "format").empty() ? "json" : query(call.request, "format");
  if (format != "json" && format != "csv") return invalid_field("format", "expected 'json' or 'csv'");
  const std::string all = query(call.request, "all");
  if (!all.empty() && all != "true" && all != "false") return invalid_field("all", "expected 'true' or 'false'");
  services::ScorecardRequest req{.municipality = query(call.request, "municipality"),
                                 .region = query(call.request, "region"),
                                 .all = all == "true"};
  if (auto st = services::parse_scorecard_period(query(call.request, "from"), query(call.request, "to"),
                                                 ctx.clock->now(), req);
      !st)
    return fail(st.error());
  auto card = services::Scorecards(*call.db, *ctx.clock, *ctx.config, call.pending_audit).read(actor_of(call), req);
  if (!card) return fail(card.error());
  if (format == "json") return json_response(services::scorecard_json(*card));
  Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"scorecard.csv\"");
  r.body = services::scorecard_csv(*card);
  return r;
}

json flag_json(const storage::SafetyFlag& f) {
  auto evidence = json::parse(f.evidence, nullptr, false);
  return {{"id", f.id},
          {"municipality", f.municipality},
          {"rule", f.rule},
          {"status", f.status},
          {"action", f.action},
          {"evidence", evidence.is_discarded() ? json(f.evidence) : evidence},
          {"raised_at", core::format_utc(f.raised_at)},
          {"checked_at", core::format_utc(f.checked_at)},
          {"cleared_at", f.cleared_at ? json(core::format_utc(*f.cleared_at)) : json(nullptr)},
          {"cleared_by", f.cleared_by.empty() ? json(nullptr) : json(f.cleared_by)}};
}

json route_json(const storage::CaseRoute& r) {
  return {{"id", r.id},           {"municipality", r.municipality}, {"owner_kind", r.owner_kind},
          {"owner_code", r.owner_code}, {"reason", r.reason},       {"set_by", r.set_by},
          {"set_at", core::format_utc(r.set_at)}};
}

Response flags(ApiContext& ctx, Call& call) {
  const bool include_cleared = query(call.request, "include_cleared") == "true";
  auto out = services::SafetyNetDesk(*call.db, *ctx.clock, *ctx.config, call.pending_audit)
                 .flags(actor_of(call), include_cleared);
  if (!out) return fail(out.error());
  json items = json::array();
  for (const auto& f : *out) items.push_back(flag_json(f));
  return json_response(core::json_text(json{{"items", std::move(items)}}));
}

Response routes(ApiContext& ctx, Call& call) {
  auto out = services::SafetyNetDesk(*call.db, *ctx.clock, *ctx.config, call.pending_audit).routes(actor_of(call));
  if (!out) return fail(out.error());
  json items = json::array();
  for (const auto& r : *out) items.push_back(route_json(r));
  return json_response(core::json_text(json{{"items", std::move(items)}}));
}

Response take_back(ApiContext& ctx, Call& call) {
  const std::string& code = call.param("code");
  auto r = services::SafetyNetDesk(*ctx.db, *ctx.clock, *ctx.config).take_back(actor_of(call), code);
  if (!r) return fail(r.error());
  return json_response(core::json_text(json{{"municipality", code},
                                            {"route_lifted", r->route_lifted},
                                            {"was_routed_to", r->was_routed_to.empty() ? json(nullptr) : json(r->was_routed_to)},
                                            {"cases_back", r->cases_back},
                                            {"flags_cleared", r->flags_cleared}}));
}

Response delegate(ApiContext& ctx, Call& call) {
  auto r = services::SafetyNetDesk(*ctx.db, *ctx.clock, *ctx.config).delegate(actor_of(call), call.param("code"));
  if (!r) return fail(r.error());
  return json_response(core::json_text(route_json(*r)));
}

}  // namespace

void add_scorecard_routes(Router& router) {
  ApiContext* ctx = &router.context();
  router.add({.method = "GET", .pattern = "/v1/scorecards", .kinds = kReaders,
              .handler = [ctx](Call& call) { return scorecards(*ctx, call); }, .lane = Lane::reader});
  router.add({.method = "GET", .pattern = "/v1/safety-net/flags", .kinds = kFlagReaders,
              .handler = [ctx](Call& call) { return flags(*ctx, call); }, .lane = Lane::reader});
  router.add({.method = "GET", .pattern = "/v1/safety-net/routes", .kinds = kFlagReaders,
              .handler = [ctx](Call& call) { return routes(*ctx, call); }, .lane = Lane::reader});
  router.add({.method = "POST", .pattern = "/v1/safety-net/municipalities/{code}/take-back", .kinds = kTakeBack,
              .handler = [ctx](Call& call) { return take_back(*ctx, call); }});
  router.add({.method = "POST", .pattern = "/v1/safety-net/municipalities/{code}/delegate", .kinds = kDelegate,
              .handler = [ctx](Call& call) { return delegate(*ctx, call); }});
}

}  // namespace outreach::api
