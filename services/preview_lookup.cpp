// CampaignViews::lookup: "who gets what, and why not" for one person (services/campaign_views.h).
// The contactability policy answers first; a refused person is answered with the reason code only.
#include <cctype>

#include "campaigns/audience.h"
#include "campaigns/template_renderer.h"
#include "engine/audience_source.h"
#include "engine/engine_config.h"
#include "services/audit_trail.h"
#include "services/campaign_views.h"
#include "storage/campaign_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/outbox.h"
#include "storage/suppression_list.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {

// A contact id: digits only, no leading zero (a Dutch phone number starts with 0), at most 12.
bool looks_like_id(const std::string& s) {
  if (s.empty() || s.size() > 12 || s[0] == '0') return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

core::Result<PersonLookup> CampaignViews::lookup(const Actor& actor, const std::string& key, const std::string& who_raw) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator, PrincipalKind::operator_}, "look people up"); !st) {
    return st.error();
  }
  auto rec = storage::CampaignStore(db_).find(key);
  if (!rec) return rec.error();
  auto campaign = engine::load_campaign_version(db_, rec->id, rec->version);
  if (!campaign) return campaign.error();
  const std::string who = trimmed(who_raw);
  if (who.empty()) return core::Error::invalid("give a contact id, phone number or e-mail address", "who");

  std::unique_ptr<storage::SuppressionList> suppression;
  if (!config_.suppression_key.empty()) {
    suppression = std::make_unique<storage::SuppressionList>(db_, config_.suppression_key);
  }
  storage::ContactStore contacts(db_);
  PersonLookup out;
  std::int64_t id = 0;
  bool erased = false;
  if (looks_like_id(who)) {
    id = std::stoll(who);
    auto c = contacts.get(id);
    if (!c) id = 0;
    else erased = c->erased;
  } else {
    auto urn = who.find('@') != std::string::npos ? core::Urn::email(who) : core::Urn::phone(who);
    if (!urn) return core::Error::invalid("not a contact id, phone number or e-mail address", "who");
    if (auto c = contacts.find_by_urn(*urn)) {
      id = c->id;
    } else if (suppression) {
      // Not a contact (an erased person keeps no address), but maybe a suppressed address: say so.
      auto entry = suppression->find(*urn);
      if (!entry) return entry.error();
      if (*entry) out.reason = "suppressed_address";
    }
  }
  AuditTrail trail(db_, clock_);
  if (id == 0) {
    if (out.reason.empty()) out.reason = "not_found";
    if (auto st = trail.record(actor, "campaign.lookup", "campaign:" + key, "outreach", "reason=" + out.reason); !st) {
      return st.error();
    }
    return out;
  }
  out.found = true;

  const auto kinds = engine::channel_kinds(config_);
  auto cand = engine::load_candidate(db_, *campaign, kinds, suppression.get(), id, core::TimePoint{});
  if (!cand) return cand.error();
  auto region_of = storage::MunicipalityStore(db_).region_of_all();
  auto sel = campaigns::select_audience(*campaign, {*cand}, region_of, kinds);
  if (erased || sel.included.empty()) {
    // The policy's reason only: no name, address or text of someone it refuses. An erased person
    // is "erased" (the audience would call the tombstone do-not-contact).
    out.reason = erased                   ? "erased"
                 : sel.suppressed.empty() ? "no_address"
                                          : campaigns::to_string(sel.suppressed.front().reason);
    if (auto st = trail.record(actor, "campaign.lookup", "contact:" + std::to_string(id), "outreach",
                               "campaign=" + key + " reason=" + out.reason);
        !st) {
      return st.error();
    }
    return out;
  }

  out.included = true;
  out.contact_id = id;
  out.name = cand->name;
  out.municipality = cand->municipality;
  auto names = storage::MunicipalityStore(db_).names();
  campaigns::RenderVars vars = campaigns::sample_vars(*campaign);
  vars["name"] = cand->name;
  vars["first_name"] = cand->name.substr(0, cand->name.find(' '));
  vars["municipality_name"] = names.count(cand->municipality) ? names[cand->municipality] : cand->municipality;
  auto statuses = storage::Outbox(db_).statuses_of(rec->id, id);
  for (std::size_t i = 0; i < campaign->steps.size(); ++i) {
    const auto& step = campaign->steps[i];
    LookupStep s;
    s.step = static_cast<int>(i);
    s.step_id = step.id;
    if (auto ch = campaigns::pick_channel(step, *cand, kinds)) s.channel = *ch;
    s.language = campaigns::language_for(*campaign, step.template_id, cand->language);
    if (auto r = campaigns::render(*campaign, step.template_id, s.language, vars)) {
      s.language = r->language_used;
      s.subject = r->subject;
      s.text = r->text;
    } else {
      s.text = "(cannot render: " + r.error().what() + ")";
    }
    if (auto it = statuses.find(s.step); it != statuses.end()) s.outbox_status = storage::to_string(it->second);
    out.steps.push_back(std::move(s));
  }
  if (auto st = trail.record(actor, "campaign.lookup", "contact:" + std::to_string(id), "outreach",
                             "campaign=" + key + " included");
      !st) {
    return st.error();
  }
  return out;
}

}  // namespace outreach::services
