// The cases a municipality, a regional hub or the national fallback owns (services/case_desk.h):
// a filtered, paged list with the people's contact details, one case with its replies, contact
// logs and history, and the owner's changes (acknowledge, in contact, close with an outcome).

#include "api/auth.h"
#include "api/errors.h"
#include "api/route_util.h"
#include "api/router.h"
#include "core/json_text.h"
#include "services/case_desk.h"

namespace outreach::api {

using storage::PrincipalKind;

namespace {

const std::vector<PrincipalKind> kMunicipal = {PrincipalKind::municipality, PrincipalKind::regional_hub,
                                               PrincipalKind::national_fallback};

json opt_time(const std::optional<core::TimePoint>& t) { return t ? json(core::format_utc(*t)) : json(nullptr); }
json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json case_json(const storage::Case& c) {
  return {{"id", c.id},
          {"contact_id", c.contact_id},
          {"municipality", c.municipality},
          {"status", c.status},
          {"owner_kind", c.owner_kind},
          {"owner_code", c.owner_code},
          {"routed_by", text_or_null(c.routed_by)},
          {"opened_at", core::format_utc(c.opened_at)},
          {"sla_due_at", opt_time(c.sla_due_at)},
          {"acknowledged_at", opt_time(c.acknowledged_at)},
          {"closed_at", opt_time(c.closed_at)},
          {"outcome", text_or_null(c.outcome)},
          {"handler_name", text_or_null(c.handler_name)}};
}

json row_json(const storage::CaseRow& r, bool overdue) {
  json j = case_json(r.c);
  j["name"] = r.name;
  j["language"] = r.language;
  j["phone"] = r.phone;
  j["email"] = r.email;
  j["overdue"] = overdue;
  return j;
}

Response list_cases(ApiContext& ctx, Call& call) {
  services::CaseFilter f;
  const auto& q = call.request.query;
  auto text = [&](const char* name) {
    auto it = q.find(name);
    return it == q.end() ? std::string() : it->second;
  };
  f.state = text("state");
  f.municipality = text("municipality");
  f.name = text("name");
  const std::string overdue = text("overdue");
  if (!overdue.empty() && overdue != "true" && overdue != "false") return invalid_field("overdue", "expected true or false");
  f.overdue = overdue == "true";
  auto after = int_param(call.request, "after", 0, 0, INT64_MAX);
  if (!after) return fail(after.error());
  f.after_id = *after;
  auto limit = int_param(call.request, "limit", 100, 1, services::kMaxCasePage);
  if (!limit) return fail(limit.error());
  f.limit = static_cast<int>(*limit);
  auto page = services::CaseDesk(*call.db, *ctx.clock, *ctx.config, call.pending_audit).list(actor_of(call), f);
  if (!page) return fail(page.error());
  json items = json::array();
  for (const auto& item : page->items) items.push_back(row_json(item.row, item.overdue));
  return json_response(core::json_text(json{{"owner", page->owner},
                                            {"items", std::move(items)},
                                            {"next_after", page->more ? json(page->next_after) : json(nullptr)}}));
}

Response get_case(ApiContext& ctx, Call& call) {
  auto id = parse_id(call.param("id"));
  if (!id) return invalid_field("id", "expected a positive integer");
  auto d = services::CaseDesk(*call.db, *ctx.clock, *ctx.config, call.pending_audit).detail(actor_of(call), *id);
  if (!d) return fail(d.error());
  json j = row_json(d->row, d->overdue);
  json replies = json::array();
  for (const auto& r : d->replies) {
    replies.push_back({{"id", r.id}, {"received_at", core::format_utc(r.received_at)}, {"channel", r.channel},
                       {"text", r.text}, {"keyword", text_or_null(r.keyword)}});
  }
  json logs = json::array();
  for (const auto& l : d->contact_logs) {
    logs.push_back({{"id", l.id}, {"at", core::format_utc(l.at)}, {"collector", l.collector}, {"mode", l.mode},
                    {"outcome", l.outcome}, {"follow_up", text_or_null(l.follow_up)}, {"note", text_or_null(l.note)}});
  }
  json history = json::array();
  for (const auto& e : d->history) {
    history.push_back({{"at", core::format_utc(e.at)}, {"actor", e.actor}, {"status", e.status},
                       {"owner_code", e.owner_code}, {"note", text_or_null(e.note)}, {"outcome", text_or_null(e.outcome)}});
  }
  j["replies"] = std::move(replies);
  j["contact_logs"] = std::move(logs);
  j["history"] = std::move(history);
  j["followup"] = nullptr;
  if (d->followup) {
    const auto& f = *d->followup;
    j["followup"] = {{"status", f.status}, {"due_at", core::format_utc(f.due_at)}, {"sent_at", opt_time(f.sent_at)},
                     {"answered_at", opt_time(f.answered_at)}, {"score", f.score ? json(*f.score) : json(nullptr)},
                     {"comment", text_or_null(f.comment)}};
  }
  return json_response(core::json_text(j));
}

Response change_case(ApiContext& ctx, Call& call, const std::string& status) {
  auto id = parse_id(call.param("id"));
  if (!id) return invalid_field("id", "expected a positive integer");
  services::CaseChange change{.status = status};
  if (!call.request.body.empty()) {
    auto body = parse_json_object(call.request);
    if (!body) return fail(body.error());
    // Lengths and values are the service's to check; here only the types.
    auto note = string_field(*body, "note", false, SIZE_MAX);
    if (!note) return fail(note.error());
    change.note = note->value_or("");
    auto outcome = string_field(*body, "outcome", false, SIZE_MAX);
    if (!outcome) return fail(outcome.error());
    change.outcome = outcome->value_or("");
  }
  auto updated = services::CaseDesk(*ctx.db, *ctx.clock, *ctx.config).change(actor_of(call), *id, change);
  if (!updated) return fail(updated.error());
  return json_response(core::json_text(case_json(*updated)));
}

}  // namespace

void add_case_routes(Router& router) {
  ApiContext* ctx = &router.context();
  // services::CaseDesk checks ownership and the policy, and audits every read and change.
  router.add({.method = "GET", .pattern = "/v1/cases", .kinds = kMunicipal,
              .handler = [ctx](Call& call) { return list_cases(*ctx, call); }, .lane = Lane::reader});
  router.add({.method = "GET", .pattern = "/v1/cases/{id}", .kinds = kMunicipal,
              .handler = [ctx](Call& call) { return get_case(*ctx, call); }, .lane = Lane::reader});
  const std::pair<const char*, const char*> kActions[] = {
      {"acknowledge", "acknowledged"}, {"in_contact", "in_contact"}, {"close", "closed"}};
  for (const auto& [verb, status] : kActions) {
    std::string st = status;
    router.add({.method = "POST", .pattern = std::string("/v1/cases/{id}/") + verb, .kinds = kMunicipal,
                .handler = [ctx, st](Call& call) { return change_case(*ctx, call, st); }});
  }
}

}  // namespace outreach::api
