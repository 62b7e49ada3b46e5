// Coordinators and approvers: campaigns through services::CampaignDesk (save, submit, approve,
// launch, pause, resume, status with the funnel) and erasure of a person.

#include "api/errors.h"
#include "api/panel_review_json.h"
#include "api/route_util.h"
#include "api/router.h"
#include "core/json_text.h"
#include "services/campaign_desk.h"
#include "services/people.h"
#include "storage/contact_store.h"
#include "storage/database.h"

namespace outreach::api {

using storage::PrincipalKind;

namespace {

Response desk_missing() {
  return json_response(net::json_error_body("transient", "campaign desk not available"), 503);
}

Response save_campaign(ApiContext& ctx, Call& call) {
  if (!ctx.desk) return desk_missing();
  if (call.request.body.empty()) return invalid_field("body", "expected a campaign YAML document");
  const std::string file = "request";
  // save() validates the file once and hands the findings back (they are the answer's), unless
  // it refused the actor before reading the file: that error is the answer then.
  services::ValidationReport report;
  auto id = ctx.desk->save(actor_of(call), call.request.body, file, &report);
  if (!id && id.error().code != core::ErrorCode::invalid_input) return fail(id.error());
  if (!report.ok) {
    json body = {{"error",
                  {{"code", "invalid_input"},
                   {"message", report.errors.empty() ? std::string("invalid campaign") : report.errors.front()},
                   {"field", "body"},
                   {"findings", report.errors}}}};
    return json_response(core::json_text(body), 400);
  }
  if (!id) return fail(id.error());
  json out = {{"id", *id}, {"warnings", report.warnings}, {"sms", report.sms}, {"readability", report.readability}};
  return json_response(core::json_text(out), 201);
}

json status_json(const services::CampaignStatus& s) {
  json funnel = json::array();
  for (const auto& f : s.funnel) {
    funnel.push_back({{"step", f.step}, {"step_id", f.step_id}, {"channel", f.channel}, {"status", f.status},
                      {"count", f.count}});
  }
  json posts = json::array();
  for (const auto& p : s.posts) {
    posts.push_back({{"id", p.id}, {"channel", p.channel}, {"status", p.status}, {"due_at", core::format_utc(p.due_at)},
                     {"attempts", p.attempts}, {"provider_post_id", p.provider_post_id}, {"reason", p.reason}});
  }
  return {{"id", s.id},           {"key", s.key},           {"name", s.name},
          {"state", s.state},     {"version", s.version},   {"author", s.author},
          {"approved_by", s.approved_by}, {"messages", s.messages}, {"funnel", std::move(funnel)},
          {"by_status", s.by_status}, {"posts", std::move(posts)}};
}

Response campaign_status(ApiContext& ctx, Call& call) {
  if (!ctx.desk) return desk_missing();
  auto s = ctx.desk->status(actor_of(call), call.param("key"));
  if (!s) return fail(s.error());
  json out = status_json(*s);
  // What the parents' panel said about this version: the approver reads it before approving.
  if (auto r = services::PanelReviews(*ctx.db, *ctx.clock).state(actor_of(call), call.param("key"))) {
    out["panel_review"] = panel_review_json(*r);
  }
  return json_response(core::json_text(out));
}

Response campaign_preview(ApiContext& ctx, Call& call) {
  if (!ctx.desk) return desk_missing();
  auto p = ctx.desk->preview(actor_of(call), call.param("key"));
  if (!p) return fail(p.error());
  json samples = json::array();
  for (const auto& s : p->samples) {
    samples.push_back({{"contact_id", s.contact_id}, {"channel", s.channel}, {"language", s.language},
                       {"subject", s.subject}, {"text", s.text}});
  }
  json posts = json::array();
  for (const auto& post : p->posts) {
    posts.push_back({{"id", post.id}, {"channel", post.channel}, {"language", post.language}, {"text", post.text}});
  }
  json out = {{"campaign", p->campaign},
              {"included", p->included},
              {"suppressed", p->suppressed},
              {"by_municipality", p->by_municipality},
              {"by_language", p->by_language},
              {"by_channel", p->by_channel},
              {"suppressed_by_reason", p->suppressed_by_reason},
              {"samples", std::move(samples)},
              {"posts", std::move(posts)},
              {"errors", p->errors},
              {"warnings", p->warnings},
              {"readability", p->readability}};
  return json_response(core::json_text(out));
}

Response transition(ApiContext& ctx, Call& call, const std::string& verb) {
  if (!ctx.desk) return desk_missing();
  const std::string& key = call.param("key");
  const services::Actor actor = actor_of(call);
  core::Status st;
  json extra = json::object();
  if (verb == "submit") {
    st = ctx.desk->submit(actor, key);
  } else if (verb == "approve") {
    st = ctx.desk->approve(actor, key);
  } else if (verb == "reject") {
    auto body = parse_json_object(call.request);
    if (!body) return fail(body.error());
    auto reason = string_field(*body, "reason", true, 1000);
    if (!reason) return fail(reason.error());
    st = ctx.desk->reject(actor, key, **reason);
  } else if (verb == "pause") {
    st = ctx.desk->pause(actor, key);
  } else if (verb == "resume") {
    st = ctx.desk->resume(actor, key);
  } else if (verb == "cancel") {
    st = ctx.desk->cancel(actor, key);
  } else if (verb == "launch") {
    auto report = ctx.desk->launch(actor, key);
    if (!report) return fail(report.error());
    extra = {{"campaign_id", report->campaign_id},
             {"version", report->version},
             {"included", report->included},
             {"suppressed", report->suppressed},
             {"suppressed_by_reason", report->suppressed_by_reason},
             {"rows_added", report->rows_added}};
  }
  if (!st) return fail(st.error());
  auto s = ctx.desk->status(actor, key);
  if (!s) return fail(s.error());
  json out = status_json(*s);
  if (!extra.empty()) out["launch"] = std::move(extra);
  return json_response(core::json_text(out));
}

Response erase_contact(ApiContext& ctx, Call& call) {
  auto id = parse_id(call.param("id"));
  if (!id) return invalid_field("id", "expected a positive integer");
  if (auto st = services::People(*ctx.db, *ctx.clock, *ctx.config).erase(actor_of(call), *id); !st) {
    return fail(st.error());
  }
  return Response{204, "application/json", {}, {}, {}};
}

}  // namespace

void add_coordinator_routes(Router& router) {
  ApiContext* ctx = &router.context();
  const std::vector<PrincipalKind> coord = {PrincipalKind::coordinator};
  // The desk decides who may do what (services/campaign_desk.h); the router's table says the
  // same, so a kind that may never do it is turned away before anything is parsed.
  using K = PrincipalKind;
  const std::vector<K> readers = {K::coordinator, K::approver, K::parent_panel, K::operator_};
  const std::vector<K> approvers = {K::approver, K::parent_panel};
  const std::vector<K> stoppers = {K::coordinator, K::operator_};
  router.add({.method = "POST", .pattern = "/v1/campaigns", .kinds = coord,
              .handler = [ctx](Call& call) { return save_campaign(*ctx, call); }});
  router.add({.method = "GET", .pattern = "/v1/campaigns/{key}", .kinds = readers,
              .handler = [ctx](Call& call) { return campaign_status(*ctx, call); }});
  router.add({.method = "GET", .pattern = "/v1/campaigns/{key}/preview", .kinds = readers,
              .handler = [ctx](Call& call) { return campaign_preview(*ctx, call); }});
  const std::pair<const char*, const std::vector<K>*> verbs[] = {
      {"submit", &coord},   {"approve", &approvers}, {"reject", &approvers}, {"launch", &coord},
      {"pause", &stoppers}, {"resume", &stoppers},   {"cancel", &stoppers}};
  for (const auto& [verb, kinds] : verbs) {
    std::string v = verb;
    router.add({.method = "POST", .pattern = "/v1/campaigns/{key}/" + v, .kinds = *kinds,
                .handler = [ctx, v](Call& call) { return transition(*ctx, call, v); }});
  }
  router.add({.method = "DELETE", .pattern = "/v1/contacts/{id}", .kinds = coord,
              .handler = [ctx](Call& call) { return erase_contact(*ctx, call); }});
}

}  // namespace outreach::api
