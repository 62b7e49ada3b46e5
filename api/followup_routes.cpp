// Listening back (issue 12 parts 1 and 5): the follow-ups of a case or a municipality, naming a
// case's handler, and the parent panel's review of a campaign. The services check who may do it
// (services/followups.h, services/panel_reviews.h); these routes parse and format.

#include "api/auth.h"
#include "api/errors.h"
#include "api/panel_review_json.h"
#include "api/route_util.h"
#include "api/router.h"
#include "core/json_text.h"
#include "services/followups.h"
#include "services/panel_reviews.h"

namespace outreach::api {

using storage::PrincipalKind;

namespace {

json followup_json(const storage::Followup& f) {
  return {{"id", f.id},
          {"case_id", f.case_id},
          {"contact_id", f.contact_id},
          {"municipality", f.municipality},
          {"reason", f.reason},
          {"status", f.status},
          {"skip_reason", f.skip_reason.empty() ? json(nullptr) : json(f.skip_reason)},
          {"delivery", f.delivery.empty() ? json(nullptr) : json(f.delivery)},
          {"channel", f.channel.empty() ? json(nullptr) : json(f.channel)},
          {"due_at", core::format_utc(f.due_at)},
          {"sent_at", time_or_null(f.sent_at)},
          {"answered_at", time_or_null(f.answered_at)},
          {"score", f.score ? json(*f.score) : json(nullptr)},
          {"comment", f.comment.empty() ? json(nullptr) : json(f.comment)},
          {"reopened_at", time_or_null(f.reopened_at)}};
}

json items_json(const std::vector<storage::Followup>& rows) {
  json items = json::array();
  for (const auto& f : rows) items.push_back(followup_json(f));
  return json{{"items", std::move(items)}};
}

Response case_followups(ApiContext& ctx, Call& call) {
  auto id = parse_id(call.param("id"));
  if (!id) return invalid_field("id", "expected a positive integer");
  auto rows = services::Followups(*call.db, *ctx.clock, *ctx.config, call.pending_audit).for_case(actor_of(call), *id);
  if (!rows) return fail(rows.error());
  return json_response(core::json_text(items_json(*rows)));
}

Response municipality_followups(ApiContext& ctx, Call& call) {
  auto limit = int_param(call.request, "limit", 100, 1, 1000);
  if (!limit) return fail(limit.error());
  auto rows = services::Followups(*call.db, *ctx.clock, *ctx.config, call.pending_audit)
                  .for_municipality(actor_of(call), call.param("code"), static_cast<int>(*limit));
  if (!rows) return fail(rows.error());
  return json_response(core::json_text(items_json(*rows)));
}

Response name_handler(ApiContext& ctx, Call& call) {
  auto id = parse_id(call.param("id"));
  if (!id) return invalid_field("id", "expected a positive integer");
  auto body = parse_json_object(call.request);
  if (!body) return fail(body.error());
  auto name = string_field(*body, "name", true, 200);
  if (!name) return fail(name.error());
  auto c = services::Followups(*ctx.db, *ctx.clock, *ctx.config).name_handler(actor_of(call), *id, **name);
  if (!c) return fail(c.error());
  return json_response(core::json_text(json{{"id", c->id}, {"status", c->status}, {"handler_name", c->handler_name}}));
}

}  // namespace

json panel_review_json(const services::PanelReviewState& s) {
  json items = json::array();
  for (const auto& r : s.reviews) {
    items.push_back({{"reviewer", r.reviewer}, {"version", r.version}, {"comment", r.comment}, {"at", core::format_utc(r.at)}});
  }
  return json{{"required", s.required}, {"items", std::move(items)}};
}

namespace {

Response campaign_reviews(ApiContext& ctx, Call& call) {
  auto s = services::PanelReviews(*call.db, *ctx.clock).state(actor_of(call), call.param("key"));
  if (!s) return fail(s.error());
  return json_response(core::json_text(panel_review_json(*s)));
}

Response add_campaign_review(ApiContext& ctx, Call& call) {
  auto body = parse_json_object(call.request);
  if (!body) return fail(body.error());
  auto comment = string_field(*body, "comment", true, 2000);
  if (!comment) return fail(comment.error());
  services::PanelReviews reviews(*ctx.db, *ctx.clock);
  auto r = reviews.review(actor_of(call), call.param("key"), **comment);
  if (!r) return fail(r.error());
  auto s = reviews.state(actor_of(call), call.param("key"));
  if (!s) return fail(s.error());
  return json_response(core::json_text(panel_review_json(*s)), 201);
}

}  // namespace

void add_followup_routes(Router& router) {
  ApiContext* ctx = &router.context();
  using K = PrincipalKind;
  router.add({.method = "GET", .pattern = "/v1/cases/{id}/followups", .kinds = municipal_kinds(),
              .handler = [ctx](Call& call) { return case_followups(*ctx, call); }, .lane = Lane::reader});
  router.add({.method = "GET", .pattern = "/v1/municipalities/{code}/followups", .kinds = municipal_kinds(),
              .handler = [ctx](Call& call) { return municipality_followups(*ctx, call); }, .lane = Lane::reader});
  router.add({.method = "POST", .pattern = "/v1/cases/{id}/handler", .kinds = municipal_kinds(),
              .handler = [ctx](Call& call) { return name_handler(*ctx, call); }});
  router.add({.method = "GET", .pattern = "/v1/campaigns/{key}/reviews",
              .kinds = {K::coordinator, K::approver, K::parent_panel, K::operator_},
              .handler = [ctx](Call& call) { return campaign_reviews(*ctx, call); }, .lane = Lane::reader});
  router.add({.method = "POST", .pattern = "/v1/campaigns/{key}/reviews", .kinds = {K::parent_panel},
              .handler = [ctx](Call& call) { return add_campaign_review(*ctx, call); }});
}

}  // namespace outreach::api
