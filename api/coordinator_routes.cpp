// Coordinators and approvers: campaigns through services::CampaignDesk (save, submit, approve,
// launch, pause, resume, status with the funnel) and erasure of a person.

#include "api/errors.h"
#include "api/route_util.h"
#include "api/router.h"
#include "core/json_text.h"
#include "services/campaign_desk.h"
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
  services::ValidationReport report = ctx.desk->validate(call.request.body, file);
  if (!report.ok) {
    json body = {{"error",
                  {{"code", "invalid_input"},
                   {"message", report.errors.empty() ? std::string("invalid campaign") : report.errors.front()},
                   {"field", "body"},
                   {"findings", report.errors}}}};
    return json_response(core::json_text(body), 400);
  }
  auto id = ctx.desk->save(call.request.body, file, call.actor);
  if (!id) return fail(id.error());
  json out = {{"id", *id}, {"warnings", report.warnings}, {"sms", report.sms}};
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
  auto s = ctx.desk->status(call.param("key"));
  if (!s) return fail(s.error());
  return json_response(core::json_text(status_json(*s)));
}

Response transition(ApiContext& ctx, Call& call, const std::string& verb) {
  if (!ctx.desk) return desk_missing();
  const std::string& key = call.param("key");
  core::Status st;
  json extra = json::object();
  if (verb == "submit") {
    st = ctx.desk->submit(key, call.actor);
  } else if (verb == "approve") {
    st = ctx.desk->approve(key, call.actor);
  } else if (verb == "pause") {
    st = ctx.desk->pause(key, call.actor);
  } else if (verb == "resume") {
    st = ctx.desk->resume(key, call.actor);
  } else if (verb == "launch") {
    auto report = ctx.desk->launch(key, call.actor);
    if (!report) return fail(report.error());
    extra = {{"campaign_id", report->campaign_id},
             {"version", report->version},
             {"included", report->included},
             {"suppressed", report->suppressed},
             {"suppressed_by_reason", report->suppressed_by_reason},
             {"rows_added", report->rows_added}};
    call.audit_detail = "rows_added=" + std::to_string(report->rows_added);
  }
  if (!st) return fail(st.error());
  auto s = ctx.desk->status(key);
  if (!s) return fail(s.error());
  json out = status_json(*s);
  if (!extra.empty()) out["launch"] = std::move(extra);
  return json_response(core::json_text(out));
}

Response erase_contact(ApiContext& ctx, Call& call) {
  auto id = parse_id(call.param("id"));
  if (!id) return invalid_field("id", "expected a positive integer");
  storage::ContactStore contacts(*ctx.db);
  auto existing = contacts.get(*id);
  if (!existing) return fail(existing.error());
  // ContactStore::erase removes contact logs and assignments with everything else personal.
  if (auto st = contacts.erase(*id, ctx.clock->now()); !st) return fail(st.error());
  call.audit_detail = "erased";
  return Response{204, "application/json", {}, {}, {}};
}

}  // namespace

void add_coordinator_routes(Router& router) {
  ApiContext* ctx = &router.context();
  const std::vector<PrincipalKind> coord = {PrincipalKind::coordinator};
  router.add({"POST", "/v1/campaigns", false, coord, {}, {}, {}, false,
              [ctx](Call& call) { return save_campaign(*ctx, call); }});
  router.add({"GET", "/v1/campaigns/{key}", false,
              {PrincipalKind::coordinator, PrincipalKind::approver, PrincipalKind::operator_}, {}, {}, {}, false,
              [ctx](Call& call) { return campaign_status(*ctx, call); }});
  for (const char* verb : {"submit", "approve", "launch", "pause", "resume"}) {
    std::string v = verb;
    std::vector<PrincipalKind> kinds = v == "approve" ? std::vector<PrincipalKind>{PrincipalKind::approver} : coord;
    // A launch snapshots personal data (the audience) into the outbox: audited.
    std::string action = v == "launch" ? "campaign.launch" : std::string();
    router.add({"POST", "/v1/campaigns/{key}/" + v, false, kinds, action, "outreach", "campaign:{key}", false,
                [ctx, v](Call& call) { return transition(*ctx, call, v); }});
  }
  router.add({"DELETE", "/v1/contacts/{id}", false, coord, "contacts.erase", "erasure", "contact:{id}", true,
              [ctx](Call& call) { return erase_contact(*ctx, call); }});
}

}  // namespace outreach::api
