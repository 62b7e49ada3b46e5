// Volunteers and intermediaries: ask for people to approach, release them, and log each contact
// (outcome, consent given, follow-up wish). They only ever touch people assigned to them.

#include <regex>

#include "api/errors.h"
#include "api/route_util.h"
#include "api/router.h"
#include "core/json_text.h"
#include "services/field_reports.h"
#include "engine/engine_config.h"
#include "services/assignments.h"
#include "storage/consent_ledger.h"
#include "storage/contact_log_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"

namespace outreach::api {

using storage::PrincipalKind;

namespace {

const std::vector<PrincipalKind> kField = {PrincipalKind::volunteer, PrincipalKind::intermediary};
constexpr int kMaxAssignRequest = 100;

bool valid_purpose(const std::string& p) {
  static const std::regex kShare("share:GM[0-9]{4}");
  return p == "outreach" || p == "peer-contact" || std::regex_match(p, kShare);
}

bool valid_language(const std::string& l) {
  static const std::regex kLang("[a-z]{2,3}");
  return std::regex_match(l, kLang);
}

services::Assignments assignments_for(ApiContext& ctx) {
  return services::Assignments(*ctx.db, *ctx.clock, *ctx.config,
                               {.cap = ctx.config->assignment_cap, .ttl = ctx.config->assignment_ttl});
}

json person_json(const services::AssignedPerson& p) {
  return {{"contact_id", p.contact_id}, {"name", p.name}, {"language", p.language}, {"municipality", p.municipality},
          {"addresses", p.addresses}, {"expires_at", core::format_utc(p.expires_at)}};
}

json batch_json(const services::AssignmentBatch& b) {
  json people = json::array();
  for (const auto& p : b.people) people.push_back(person_json(p));
  return {{"assigned", std::move(people)}, {"held", b.held}, {"cap", b.cap}};
}

Response assign(ApiContext& ctx, Call& call) {
  auto body = parse_json_object(call.request);
  if (!body) return fail(body.error());
  auto count_it = body->find("count");
  if (count_it == body->end() || !count_it->is_number_integer()) return invalid_field("count", "expected an integer");
  auto count = count_it->get<std::int64_t>();
  if (count < 1 || count > kMaxAssignRequest) {
    return invalid_field("count", "expected 1 to " + std::to_string(kMaxAssignRequest));
  }
  auto municipality = string_field(*body, "municipality", false, 6);
  if (!municipality) return fail(municipality.error());
  static const std::regex kCode("GM[0-9]{4}");
  if (*municipality && !std::regex_match(**municipality, kCode)) {
    return invalid_field("municipality", "expected a CBS code like GM0599");
  }
  auto language = string_field(*body, "language", false, 3);
  if (!language) return fail(language.error());
  if (*language && !valid_language(**language)) return invalid_field("language", "expected a language code like nl");

  auto batch = assignments_for(ctx).request(
      actor_of(call), {.count = static_cast<int>(count), .municipality = municipality->value_or(""),
                       .language = language->value_or("")});
  if (!batch) return fail(batch.error());
  return json_response(core::json_text(batch_json(*batch)), 201);
}

Response list_assignments(ApiContext& ctx, Call& call) {
  auto batch = assignments_for(ctx).held(actor_of(call));
  if (!batch) return fail(batch.error());
  return json_response(core::json_text(batch_json(*batch)));
}

Response release(ApiContext& ctx, Call& call) {
  auto id = parse_id(call.param("contact_id"));
  if (!id) return invalid_field("contact_id", "expected a positive integer");
  if (auto st = assignments_for(ctx).release(actor_of(call), *id); !st) return fail(st.error());
  return Response{204, "application/json", {}, {}, {}};
}

Response contact_log(ApiContext& ctx, Call& call) {
  auto body = parse_json_object(call.request);
  if (!body) return fail(body.error());
  auto id_it = body->find("contact_id");
  if (id_it == body->end() || !id_it->is_number_integer() || id_it->get<std::int64_t>() <= 0) {
    return invalid_field("contact_id", "expected a positive integer");
  }
  std::int64_t contact_id = id_it->get<std::int64_t>();
  // Scope before anything else: a person not assigned to the caller gets the same 403 whether or
  // not they exist.
  if (auto held = assignments_for(ctx).require_held(actor_of(call), contact_id); !held) return fail(held.error());

  storage::ContactLog log;
  log.contact_id = contact_id;
  log.collector = call.actor;
  log.at = ctx.clock->now();
  auto mode = string_field(*body, "mode", true, 32);
  if (!mode) return fail(mode.error());
  if (!storage::is_contact_mode(**mode)) {
    return invalid_field("mode", "expected one of phone, sms, whatsapp, email, visit, in_person, other");
  }
  log.mode = **mode;
  auto outcome = string_field(*body, "outcome", true, 32);
  if (!outcome) return fail(outcome.error());
  if (!storage::is_contact_outcome(**outcome)) {
    return invalid_field("outcome",
                         "expected one of reached_wants_help, reached_no_help, not_reached, wrong_number, "
                         "asked_no_contact");
  }
  log.outcome = **outcome;
  auto note = string_field(*body, "note", false, storage::kMaxContactNote);
  if (!note) return fail(note.error());
  log.note = note->value_or("");
  auto follow_up = string_field(*body, "follow_up", false, 280);
  if (!follow_up) return fail(follow_up.error());
  log.follow_up = follow_up->value_or("");

  // Consent given to the volunteer: {purposes:[...], text_version, language, text_id?}.
  services::FieldReport report;
  report.source = "volunteer";
  report.origin = "contact-log";
  if (auto c = body->find("consent"); c != body->end() && !c->is_null()) {
    if (!c->is_object()) return invalid_field("consent", "expected an object");
    auto purposes = c->find("purposes");
    if (purposes == c->end() || !purposes->is_array() || purposes->empty()) {
      return invalid_field("consent.purposes", "expected a non-empty array of purposes");
    }
    auto version = string_field(*c, "text_version", true, 64, "consent.");
    if (!version) return fail(version.error());
    auto language = string_field(*c, "language", true, 3, "consent.");
    if (!language) return fail(language.error());
    if (!valid_language(**language)) return invalid_field("consent.language", "expected a language code like nl");
    auto text_id = string_field(*c, "text_id", false, 64, "consent.");
    if (!text_id) return fail(text_id.error());
    services::ConsentGiven given{.text_id = text_id->value_or("volunteer-script"), .text_version = **version,
                               .language = **language};
    for (std::size_t i = 0; i < purposes->size(); ++i) {
      const auto& p = (*purposes)[i];
      std::string field = "consent.purposes[" + std::to_string(i) + "]";
      if (!p.is_string() || !valid_purpose(p.get<std::string>())) {
        return invalid_field(field, "expected outreach, peer-contact or share:<CBS code>");
      }
      given.purposes.push_back(p.get<std::string>());
    }
    report.consent = std::move(given);
  }

  report.log = std::move(log);
  // The route is transactional: a failure anywhere rolls the whole report back.
  auto recorded = services::FieldReports(*ctx.db, ctx.case_sla_working_days, ctx.config->suppression_key).record(report);
  if (!recorded) return fail(recorded.error());
  call.audit_subjects.push_back("contact:" + std::to_string(contact_id));
  call.audit_detail = "outcome=" + report.log.outcome + " consents=" + std::to_string(recorded->consent_events.size());
  json out = {{"id", recorded->contact_log_id}, {"contact_id", contact_id},
              {"consent_events", recorded->consent_events}};
  if (recorded->case_id) out["case_id"] = *recorded->case_id;
  // The volunteer must learn that the consent they collected was not recorded, and why.
  if (!recorded->consent_refused.empty()) out["consent_refused"] = recorded->consent_refused;
  return json_response(core::json_text(out), 201);
}

}  // namespace

void add_volunteer_routes(Router& router) {
  ApiContext* ctx = &router.context();
  // The assignments service audits every person it hands out or shows (services/assignments.h).
  router.add({.method = "POST", .pattern = "/v1/assignments", .kinds = kField,
              .handler = [ctx](Call& call) { return assign(*ctx, call); }});
  router.add({.method = "GET", .pattern = "/v1/assignments", .kinds = kField,
              .handler = [ctx](Call& call) { return list_assignments(*ctx, call); }});
  router.add({.method = "DELETE", .pattern = "/v1/assignments/{contact_id}", .kinds = kField,
              .handler = [ctx](Call& call) { return release(*ctx, call); }});
  router.add({"POST", "/v1/contact-logs", false, kField, "contact_logs.create", "peer-contact", "contact", true,
              [ctx](Call& call) { return contact_log(*ctx, call); }});
}

}  // namespace outreach::api
