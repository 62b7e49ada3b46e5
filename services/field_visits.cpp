#include "services/field_visits.h"

#include <algorithm>
#include <map>

#include "campaigns/campaign_parser.h"
#include "campaigns/template_renderer.h"
#include "engine/engine_config.h"
#include "services/audit_trail.h"
#include "services/field_reports.h"
#include "storage/assignment_store.h"
#include "storage/campaign_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/field_visit_store.h"
#include "storage/municipality_store.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {

constexpr const char* kConsentVersion = "2026-11";
constexpr const char* kPurpose = "peer-contact";

ConsentText consent_nl(const std::string& municipality) {
  return {"volunteer-consent", kConsentVersion, "nl",
          "Ik vraag u om toestemming. U mag altijd nee zeggen; dat heeft geen gevolgen voor herstel of compensatie. "
          "U kunt uw toestemming altijd weer intrekken.",
          {{"share:" + municipality, "Mijn naam en telefoonnummer mogen naar mijn gemeente, zodat zij contact met mij opneemt."},
           {"peer-contact", "Een vrijwilliger mag later nog eens contact met mij opnemen."},
           {"outreach", "Ik wil berichten krijgen over hulp bij herstel (sms of e-mail)."}}};
}

ConsentText consent_en(const std::string& municipality) {
  return {"volunteer-consent", kConsentVersion, "en",
          "I am asking for your consent. You may always say no; that has no effect on recovery or compensation. "
          "You can always withdraw your consent.",
          {{"share:" + municipality, "My name and phone number may go to my municipality, so that they contact me."},
           {"peer-contact", "A volunteer may contact me again later."},
           {"outreach", "I want to receive messages about help with recovery (SMS or e-mail)."}}};
}

// "log=12;case=7" <-> RecordedVisit.
std::string encode(const RecordedVisit& v) {
  return "log=" + std::to_string(v.contact_log_id) + (v.case_id ? ";case=" + std::to_string(*v.case_id) : "");
}

RecordedVisit decode(const std::string& text) {
  RecordedVisit v;
  v.repeated = true;
  auto log = text.find("log=");
  if (log != std::string::npos) v.contact_log_id = std::stoll(text.substr(log + 4));
  auto c = text.find(";case=");
  if (c != std::string::npos) v.case_id = std::stoll(text.substr(c + 6));
  return v;
}

bool is_field(const Actor& actor) {
  return actor.is(PrincipalKind::volunteer) || actor.is(PrincipalKind::intermediary);
}

}  // namespace

ConsentText consent_text(const std::string& language, const std::string& municipality_code) {
  return language == "en" ? consent_en(municipality_code) : consent_nl(municipality_code);
}

FieldVisits::FieldVisits(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                         int case_sla_working_days)
    : db_(db), clock_(clock), config_(config), sla_days_(case_sla_working_days) {}

Assignments FieldVisits::assignments() {
  return Assignments(db_, clock_, config_, {.cap = config_.assignment_cap, .ttl = config_.assignment_ttl});
}

core::Result<PersonVisit> FieldVisits::person(const Actor& actor, std::int64_t contact_id, const std::string& ui_language) {
  auto held = assignments().held_person(actor, contact_id);
  if (!held) return held.error();
  PersonVisit visit;
  visit.person = std::move(*held);
  visit.consent = consent_text(visit.person.language, visit.person.municipality);

  auto sent = storage::FieldVisitStore(db_).sent_to(contact_id);
  if (!sent) return sent.error();
  std::string municipality_name = visit.person.municipality;
  if (auto m = storage::MunicipalityStore(db_).get(visit.person.municipality)) municipality_name = m->name;
  const campaigns::RenderVars vars{{"name", visit.person.name},
                                   {"first_name", visit.person.name.substr(0, visit.person.name.find(' '))},
                                   {"municipality_name", municipality_name}};
  std::map<std::pair<std::int64_t, int>, std::optional<campaigns::Campaign>> parsed;
  storage::CampaignStore campaigns_store(db_);
  for (const auto& m : sent.value()) {
    auto channel = config_.channels.find(m.channel);
    // What went to an intermediary about the person was not said to the person.
    if (channel != config_.channels.end() && channel->second.scheme == core::UrnScheme::intermediary) continue;
    auto& campaign = parsed[{m.campaign_id, m.campaign_version}];
    if (!campaign) {
      auto version = campaigns_store.version(m.campaign_id, m.campaign_version);
      if (!version) continue;
      auto outcome = campaigns::parse_campaign(version->source_text, version->source_path);
      if (!outcome.campaign) continue;
      campaign = std::move(outcome.campaign);
    }
    if (m.step < 0 || m.step >= static_cast<int>(campaign->steps.size())) continue;
    auto text = campaigns::render(*campaign, campaign->steps[static_cast<std::size_t>(m.step)].template_id,
                                  visit.person.language, vars);
    visit.messages.push_back({campaign->name, m.channel, m.sent_at, text ? text->text : std::string()});
    if (visit.talking_points.empty()) {
      auto tp = campaign->talking_points.find(ui_language);
      if (tp == campaign->talking_points.end()) tp = campaign->talking_points.find("nl");
      if (tp != campaign->talking_points.end()) visit.talking_points = tp->second;
    }
  }
  for (auto& log : storage::ContactLogStore(db_).for_contact(contact_id)) {
    if (log.collector == actor.name) visit.my_logs.push_back(std::move(log));
  }
  std::reverse(visit.my_logs.begin(), visit.my_logs.end());
  return visit;
}

core::Result<RecordedVisit> FieldVisits::record(const Actor& actor, const VisitReport& report) {
  if (!is_field(actor)) return require_kind(actor, {PrincipalKind::volunteer, PrincipalKind::intermediary}, "log contacts").error();
  if (report.form_key.size() < 8 || report.form_key.size() > 64) {
    return core::Error::invalid("expected the form's key (8 to 64 characters)", "_key");
  }
  const std::string key = actor.name + ":" + report.form_key;
  RecordedVisit out;
  auto st = db_.transaction("a contact log", [&]() -> core::Status {
    storage::FieldVisitStore visits(db_);
    auto before = visits.submission(key);
    if (!before) return before.error();
    if (*before) {
      out = decode(**before);
      return {};
    }
    // Scope before anything else: the same refusal whether or not the person exists.
    if (auto held = assignments().require_held(actor, report.contact_id); !held) return held;
    auto contact = storage::ContactStore(db_).get(report.contact_id);
    if (!contact) return contact.error();

    FieldReport fr;
    fr.source = actor.is(PrincipalKind::intermediary) ? "intermediary" : "volunteer";
    fr.origin = "contact-log";
    fr.log.contact_id = report.contact_id;
    fr.log.collector = actor.name;
    fr.log.mode = report.mode;
    fr.log.outcome = report.outcome;
    fr.log.note = report.note;
    fr.log.follow_up = report.follow_up;
    fr.log.at = clock_.now();
    if (!report.purposes.empty()) {
      const ConsentText shown = consent_text(report.consent_language, contact->municipality);
      if (report.consent_version != shown.version || report.consent_language != shown.language) {
        return core::Error::conflict("the consent text changed; read the new text out and ask again", "consent");
      }
      ConsentGiven given{.text_id = shown.id, .text_version = shown.version, .language = shown.language};
      for (const auto& p : report.purposes) {
        const bool offered = std::any_of(shown.purposes.begin(), shown.purposes.end(),
                                         [&](const ConsentPurposeText& o) { return o.purpose == p; });
        if (!offered) return core::Error::invalid("'" + p + "' is not a purpose of this consent text", "consent");
        given.purposes.push_back(p);
      }
      fr.consent = std::move(given);
    }
    auto recorded = FieldReports(db_, sla_days_, config_.suppression_key).record(fr);
    if (!recorded) return recorded.error();
    out.contact_log_id = recorded->contact_log_id;
    out.case_id = recorded->case_id;
    out.consent_refused = recorded->consent_refused;
    if (auto a = AuditTrail(db_, clock_).record(actor, "contact_logs.create", "contact:" + std::to_string(report.contact_id),
                                                kPurpose,
                                                "outcome=" + report.outcome + " consents=" +
                                                    std::to_string(recorded->consent_events.size()));
        !a) {
      return a;
    }
    return visits.add_submission(key, actor.name, "contact_logs.create", encode(out), clock_.now());
  });
  if (!st) return st.error();
  return out;
}

core::Result<std::vector<storage::ContactLog>> FieldVisits::my_logs(const Actor& actor, int limit) {
  if (!is_field(actor)) return require_kind(actor, {PrincipalKind::volunteer, PrincipalKind::intermediary}, "read contact logs").error();
  auto logs = storage::ContactLogStore(db_).by_collector(actor.name, limit);
  if (!logs) return logs.error();
  if (auto a = AuditTrail(db_, clock_).record(actor, "contact_logs.read", "collector:" + actor.name, kPurpose,
                                              "rows=" + std::to_string(logs->size()));
      !a) {
    return a.error();
  }
  return logs;
}

core::Result<BatchChoices> FieldVisits::batch_choices(const Actor& actor) {
  if (!is_field(actor)) return require_kind(actor, {PrincipalKind::volunteer, PrincipalKind::intermediary}, "ask for people").error();
  storage::FieldVisitStore store(db_);
  auto municipalities = store.municipalities_in(actor.scope_list());
  if (!municipalities) return municipalities.error();
  BatchChoices out;
  std::vector<std::string> codes;
  for (const auto& m : *municipalities) {
    out.municipalities.emplace_back(m.code, m.name);
    codes.push_back(m.code);
  }
  auto languages = store.languages_in(codes);
  if (!languages) return languages.error();
  out.languages = std::move(*languages);
  out.cap = config_.assignment_cap;
  out.held = static_cast<int>(storage::AssignmentStore(db_).active_for(actor.name).size());
  return out;
}

}  // namespace outreach::services
