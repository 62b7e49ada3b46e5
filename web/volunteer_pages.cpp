// The volunteer's pages (mobile first, 360 px). Every rule is the services' (services/assignments.h,
// services/field_visits.h); a person not assigned to the caller answers 404 like an unknown one.
//   GET  /                       my people (volunteer_home)
//   GET  /people/request         ask for a batch: how many, municipality and language within scope
//   POST /people/request
//   GET  /people/{id}            the person: messages sent, talking points, the log form with consent
//   POST /people/{id}/log        record the contact (idempotency key _key: a second post records nothing)
//   POST /people/{id}/release    give the person back
//   GET  /logs                   my past logs

#include <charconv>

#include "core/clock.h"
#include "engine/engine_config.h"
#include "services/assignments.h"
#include "services/field_visits.h"
#include "storage/contact_log_store.h"
#include "web/render.h"
#include "web/web.h"

namespace outreach::web {

using storage::PrincipalKind;
namespace mstch = kainjow::mustache;

namespace {

const std::vector<PrincipalKind> kField = {PrincipalKind::volunteer, PrincipalKind::intermediary};
const char* const kOutcomes[] = {"reached_wants_help", "reached_no_help", "not_reached", "wrong_number", "asked_no_contact"};
const char* const kModes[] = {"visit", "phone", "whatsapp", "sms", "email", "in_person", "other"};
constexpr int kMaxBatch = 25;

services::Assignments assignments_for(WebContext& ctx, PageRequest& r) {
  return services::Assignments(*r.db, *ctx.clock, *ctx.config,
                               {.cap = ctx.config->assignment_cap, .ttl = ctx.config->assignment_ttl});
}

services::FieldVisits visits_for(WebContext& ctx, PageRequest& r) {
  return services::FieldVisits(*r.db, *ctx.clock, *ctx.config, ctx.case_sla_working_days);
}

std::optional<std::int64_t> id_param(const PageRequest& r) {
  const std::string& text = r.param("id");
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

// "2026-11-02 09:00" (UTC).
std::string when(core::TimePoint t) {
  std::string s = core::format_utc(t).substr(0, 16);
  if (s.size() > 10) s[10] = ' ';
  return s;
}

// A refusal about a person: not held (forbidden) reads as "no such page", so the URL tells nothing.
PageResponse person_error(PageRequest& r, const core::Error& e) {
  return e.code == core::ErrorCode::forbidden ? error_page(r, 404) : show_error(r, e);
}

mstch::data log_data(const PageRequest& r, const storage::ContactLog& log) {
  mstch::data d{mstch::data::type::object};
  d.set("when", when(log.at));
  d.set("contact_id", std::to_string(log.contact_id));
  d.set("outcome", text(r, "outcome_" + log.outcome));
  d.set("mode", text(r, "mode_" + log.mode));
  d.set("note", log.note);
  return d;
}

}  // namespace

PageResponse volunteer_home(WebContext& ctx, PageRequest& r) {
  auto held = assignments_for(ctx, r).held(*r.actor);
  if (!held) return show_error(r, held.error());
  mstch::list people;
  for (const auto& p : held->people) {
    mstch::data d{mstch::data::type::object};
    d.set("id", std::to_string(p.contact_id));
    d.set("name", p.name);
    d.set("language", p.language);
    d.set("municipality", p.municipality);
    d.set("until", when(p.expires_at).substr(0, 10));
    people.push_back(d);
  }
  Data data{Data::type::object};
  data.set("none", people.empty());
  data.set("people", people);
  return render_page(r, "volunteer_home", "nav_my_people", std::move(data));
}

namespace {

PageResponse request_form(WebContext& ctx, PageRequest& r, const FormErrors& errors = {}, int status = 200) {
  auto choices = visits_for(ctx, r).batch_choices(*r.actor);
  if (!choices) return show_error(r, choices.error());
  mstch::list municipalities, languages;
  for (const auto& [code, name] : choices->municipalities) {
    municipalities.push_back(mstch::object{{"code", code}, {"name", name},
                                           {"selected", mstch::data{r.field("municipality") == code}}});
  }
  for (const auto& lang : choices->languages) {
    languages.push_back(mstch::object{{"code", lang}, {"selected", mstch::data{r.field("language") == lang}}});
  }
  Data data{Data::type::object};
  data.set("municipalities", municipalities);
  data.set("languages", languages);
  data.set("count", r.field("count").empty() ? std::string("5") : r.field("count"));
  data.set("held_text", fill(text(r, "vol_request_held"),
                             {{"held", std::to_string(choices->held)}, {"cap", std::to_string(choices->cap)}}));
  return render_page(r, "volunteer_request", "vol_request_title", std::move(data), errors, status);
}

PageResponse request_post(WebContext& ctx, PageRequest& r) {
  int count = 0;
  const std::string& text_count = r.field("count");
  auto [end, ec] = std::from_chars(text_count.data(), text_count.data() + text_count.size(), count);
  if (ec != std::errc() || end != text_count.data() + text_count.size() || count < 1 || count > kMaxBatch) {
    FormErrors errors;
    errors.add("count", text(r, "vol_request_count_invalid"));
    return request_form(ctx, r, errors, 400);
  }
  auto batch = assignments_for(ctx, r).request(
      *r.actor, {.count = count, .municipality = r.field("municipality"), .language = r.field("language")});
  if (!batch) return show_error(r, batch.error());
  return PageResponse::see_other("/", batch->people.empty() ? "flash_no_people" : "flash_people_assigned");
}

PageResponse person_page(WebContext& ctx, PageRequest& r, const FormErrors& errors = {}, int status = 200) {
  auto id = id_param(r);
  if (!id) return error_page(r, 404);
  auto visit = visits_for(ctx, r).person(*r.actor, *id, r.lang);
  if (!visit) return person_error(r, visit.error());
  const auto& p = visit->person;
  Data data{Data::type::object};
  data.set("id", std::to_string(p.contact_id));
  data.set("name", p.name);
  data.set("language", p.language);
  data.set("municipality", p.municipality);
  data.set("until", when(p.expires_at));
  mstch::list addresses;
  for (const auto& a : p.addresses) addresses.push_back(mstch::object{{"address", a}});
  data.set("addresses", addresses);
  mstch::list messages;
  for (const auto& m : visit->messages) {
    messages.push_back(mstch::object{{"campaign", m.campaign_name}, {"channel", m.channel},
                                     {"when", m.sent_at ? when(*m.sent_at) : std::string()}, {"text", m.text}});
  }
  data.set("messages", messages);
  data.set("no_messages", messages.empty());
  mstch::list points;
  std::size_t start = 0;
  const std::string& tp = visit->talking_points;
  while (start < tp.size()) {
    std::size_t end = tp.find('\n', start);
    if (end == std::string::npos) end = tp.size();
    if (end > start) points.push_back(mstch::object{{"point", tp.substr(start, end - start)}});
    start = end + 1;
  }
  data.set("talking_points", points);
  data.set("has_talking_points", !points.empty());
  const auto& c = visit->consent;
  data.set("consent_version", c.version);
  data.set("consent_language", c.language);
  data.set("consent_intro", c.intro);
  data.set("consent_caption", fill(text(r, "person_consent_version"),
                                   {{"id", c.id}, {"version", c.version}, {"language", c.language}}));
  const auto ticked = r.fields("consent");
  mstch::list purposes;
  int n = 0;
  for (const auto& purpose : c.purposes) {
    const bool on = std::find(ticked.begin(), ticked.end(), purpose.purpose) != ticked.end();
    purposes.push_back(mstch::object{{"n", std::to_string(++n)}, {"purpose", purpose.purpose}, {"label", purpose.label},
                                     {"checked", mstch::data{on}}});
  }
  data.set("purposes", purposes);
  mstch::list modes;
  const std::string chosen = r.field("mode").empty() ? "visit" : r.field("mode");
  for (const char* m : kModes) {
    modes.push_back(mstch::object{{"mode", std::string(m)}, {"label", text(r, std::string("mode_") + m)},
                                  {"checked", mstch::data{chosen == m}}});
  }
  data.set("modes", modes);
  mstch::list outcomes;
  for (const char* o : kOutcomes) {
    outcomes.push_back(mstch::object{{"outcome", std::string(o)}, {"label", text(r, std::string("outcome_") + o)}});
  }
  data.set("outcomes", outcomes);
  data.set("note", r.field("note"));
  data.set("follow_up", r.field("follow_up"));
  data.set("form_key", r.field("_key").empty() ? new_form_key() : r.field("_key"));
  mstch::list logs;
  for (const auto& log : visit->my_logs) logs.push_back(log_data(r, log));
  data.set("my_logs", logs);
  data.set("has_logs", !logs.empty());
  PageResponse page = render_page(r, "person", "person_log_title", std::move(data), errors, status);
  return page;
}

PageResponse log_post(WebContext& ctx, PageRequest& r) {
  auto id = id_param(r);
  if (!id) return error_page(r, 404);
  services::VisitReport report{.contact_id = *id,
                               .mode = r.field("mode").empty() ? std::string("visit") : r.field("mode"),
                               .outcome = r.field("outcome"),
                               .note = r.field("note"),
                               .follow_up = r.field("follow_up"),
                               .purposes = r.fields("consent"),
                               .consent_version = r.field("consent_version"),
                               .consent_language = r.field("consent_language"),
                               .form_key = r.field("_key")};
  auto recorded = visits_for(ctx, r).record(*r.actor, report);
  if (recorded) return PageResponse::see_other("/", recorded->case_id ? "flash_logged_case" : "flash_logged");
  const core::Error& e = recorded.error();
  if (e.code != core::ErrorCode::invalid_input && e.code != core::ErrorCode::conflict) return person_error(r, e);
  FormErrors errors;
  if (e.where == "note") errors.add("note", text(r, "person_note_invalid"));
  else if (e.where == "consent") errors.add("consent-1", text(r, "person_consent_invalid"));
  else errors.add("outcome-1", e.what());
  return person_page(ctx, r, errors, e.code == core::ErrorCode::conflict ? 409 : 400);
}

PageResponse release_post(WebContext& ctx, PageRequest& r) {
  auto id = id_param(r);
  if (!id) return error_page(r, 404);
  if (auto st = assignments_for(ctx, r).release(*r.actor, *id); !st) return person_error(r, st.error());
  return PageResponse::see_other("/", "flash_released");
}

PageResponse logs_page(WebContext& ctx, PageRequest& r) {
  auto logs = visits_for(ctx, r).my_logs(*r.actor, 200);
  if (!logs) return show_error(r, logs.error());
  mstch::list rows;
  for (const auto& log : *logs) rows.push_back(log_data(r, log));
  Data data{Data::type::object};
  data.set("logs", rows);
  data.set("none", rows.empty());
  return render_page(r, "volunteer_logs", "logs_title", std::move(data));
}

}  // namespace

void add_volunteer_pages(PageRouter& router) {
  WebContext* ctx = &router.context();
  router.add({.method = "GET", .pattern = "/people/request", .kinds = kField,
              .handler = [ctx](PageRequest& r) { return request_form(*ctx, r); }});
  router.add({.method = "POST", .pattern = "/people/request", .kinds = kField,
              .handler = [ctx](PageRequest& r) { return request_post(*ctx, r); }});
  router.add({.method = "GET", .pattern = "/people/{id}", .kinds = kField,
              .handler = [ctx](PageRequest& r) { return person_page(*ctx, r); }});
  router.add({.method = "POST", .pattern = "/people/{id}/log", .kinds = kField,
              .handler = [ctx](PageRequest& r) { return log_post(*ctx, r); }});
  router.add({.method = "POST", .pattern = "/people/{id}/release", .kinds = kField,
              .handler = [ctx](PageRequest& r) { return release_post(*ctx, r); }});
  router.add({.method = "GET", .pattern = "/logs", .kinds = kField,
              .handler = [ctx](PageRequest& r) { return logs_page(*ctx, r); }});
}

}  // namespace outreach::web
