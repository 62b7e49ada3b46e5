#include "engine/audience_source.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "campaigns/campaign_parser.h"
#include "engine/engine_config.h"
#include "storage/campaign_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/error_report_store.h"
#include "storage/response_store.h"
#include "storage/suppression_list.h"

namespace outreach::engine {
namespace {

// Per contact, a bitmask of channels (by index in `kinds`) with current consent, plus flags.
struct CompactConsent {
  std::uint32_t granted = 0;
  bool opted_out = false;
  bool peer_contact = false;
};

void fill_consent(campaigns::Candidate& c, const storage::ConsentState& purpose_state,
                  const storage::ConsentState& peer_state, const campaigns::ChannelKinds& kinds) {
  bool any_granted = false;
  for (const auto& [name, kind] : kinds) {
    if (purpose_state.granted(name)) {
      c.consented_channels.insert(name);
      any_granted = true;
    }
  }
  c.opted_out = !any_granted && purpose_state.withdrawn_anywhere();
  if (peer_state.granted("*")) c.peer_contact_channels.insert("*");
  for (const auto& [name, kind] : kinds) {
    if (peer_state.granted(name)) c.peer_contact_channels.insert(name);
  }
  c.peer_contact_consent = !c.peer_contact_channels.empty();
}

campaigns::Candidate to_candidate(const storage::Contact& contact) {
  campaigns::Candidate c;
  c.contact_id = contact.id;
  c.name = contact.name;
  c.language = contact.language;
  c.municipality = contact.municipality;
  c.tags = contact.tags;
  for (const auto& a : contact.addresses) {
    if (!a.bad) c.addresses.push_back(a.urn);
  }
  c.do_not_contact = contact.do_not_contact;
  return c;
}

bool is_share_purpose(const std::string& purpose) { return purpose.rfind("share:", 0) == 0; }

bool any_suppressed(const storage::SuppressionList* suppression, const storage::Contact& contact) {
  if (suppression == nullptr || contact.addresses.empty()) return false;
  std::vector<core::Urn> urns;
  for (const auto& a : contact.addresses) urns.push_back(a.urn);
  auto hit = suppression->contains_any(urns);
  return !hit || *hit;  // a list that cannot be read suppresses: never contact on a doubt
}

}  // namespace

core::Result<campaigns::PersonFacts> load_person_facts(storage::Database& db, std::int64_t contact_id,
                                                       const storage::SuppressionList* suppression) {
  auto all = load_people_facts(db, {contact_id}, suppression);
  if (!all) return all.error();
  auto it = all->find(contact_id);
  if (it == all->end()) return core::Error::not_found("no contact with id " + std::to_string(contact_id));
  return std::move(it->second);
}

// The policy's facts for contacts already read: suppression, consent and open error reports in one
// query each.
std::unordered_map<std::int64_t, campaigns::PersonFacts> facts_of_contacts(storage::Database& db,
                                                                           const std::vector<storage::Contact>& contacts,
                                                                           const storage::SuppressionList* suppression) {
  std::unordered_map<std::int64_t, campaigns::PersonFacts> out;
  if (contacts.empty()) return out;
  // Every address of these people in one suppression query.
  // Hashes stored with the addresses are used where their key is the list's (storage/contact_store.h).
  std::optional<std::vector<bool>> hits;
  if (suppression != nullptr) {
    std::vector<std::string> hashes;
    for (const auto& c : contacts) {
      for (const auto& a : c.addresses) hashes.push_back(suppression->hash_of(a.urn, a.address_hash, a.address_hash_key));
    }
    auto h = suppression->suppressed_hashes(hashes);
    if (h) hits = std::move(*h);  // a list that cannot be read suppresses: never contact on a doubt
  }
  std::vector<std::int64_t> ids;
  for (const auto& c : contacts) ids.push_back(c.id);
  auto consent = storage::ConsentLedger(db).states_of(ids);
  // Open error reports are few: one query for the page, not one per person.
  const auto reported = storage::ErrorReportStore(db).open_contacts();
  std::size_t next_urn = 0;
  for (const auto& c : contacts) {
    campaigns::PersonFacts f;
    f.contact_id = c.id;
    f.municipality = c.municipality;
    f.erased = c.erased;
    f.do_not_contact = c.do_not_contact;
    if (suppression != nullptr && !c.addresses.empty()) {
      f.suppressed = !hits;
      for (std::size_t i = 0; i < c.addresses.size() && hits; ++i) f.suppressed = f.suppressed || (*hits)[next_urn + i];
    }
    next_urn += c.addresses.size();
    f.error_report = !reported || reported->count(c.id) > 0;  // unreadable: blocks, never contact on a doubt
    if (auto it = consent.find(c.id); it != consent.end()) f.consent = std::move(it->second);
    out.emplace(c.id, std::move(f));
  }
  return out;
}

core::Result<std::unordered_map<std::int64_t, campaigns::PersonFacts>> load_people_facts(
    storage::Database& db, const std::vector<std::int64_t>& contact_ids, const storage::SuppressionList* suppression) {
  return facts_of_contacts(db, storage::ContactStore(db).get_many(contact_ids, storage::ContactStore::Tags::skip),
                           suppression);
}

core::Result<PeopleNow> load_people_now(storage::Database& db, const std::vector<std::int64_t>& contact_ids,
                                        const storage::SuppressionList* suppression) {
  PeopleNow out;
  auto contacts = storage::ContactStore(db).get_many(contact_ids);
  auto facts = facts_of_contacts(db, contacts, suppression);
  auto responses = storage::ResponseStore(db).latest_of(contact_ids);
  for (auto& c : contacts) {
    PersonNow p;
    if (auto f = facts.find(c.id); f != facts.end()) p.facts = std::move(f->second);
    if (auto r = responses.find(c.id); r != responses.end()) p.last_response = r->second;
    const auto id = c.id;
    p.contact = std::move(c);
    out.emplace(id, std::move(p));
  }
  return out;
}

campaigns::Candidate candidate_of(const PersonNow& person, const campaigns::Campaign& campaign,
                                  const campaigns::ChannelKinds& kinds, core::TimePoint since) {
  campaigns::Candidate c = to_candidate(person.contact);
  if (person.contact.erased) c.do_not_contact = true;
  c.blocked = campaigns::blocked(person.facts);
  static const storage::ConsentState kNone;
  auto state = [&](const std::string& purpose) -> const storage::ConsentState& {
    auto it = person.facts.consent.find(purpose);
    return it == person.facts.consent.end() ? kNone : it->second;
  };
  fill_consent(c, state(campaign.consent_purpose), state("peer-contact"), kinds);
  c.responded = person.last_response && *person.last_response >= since;
  return c;
}

campaigns::ChannelKinds channel_kinds(const EngineConfig& config) {
  campaigns::ChannelKinds kinds;
  for (const auto& [name, ch] : config.channels) kinds[name] = campaigns::ChannelKind{ch.scheme};
  return kinds;
}

core::Result<campaigns::Campaign> parse_campaign_version(const storage::CampaignVersion& v, int version) {
  auto parsed = campaigns::parse_campaign(v.source_text, v.source_path);
  if (!parsed.ok()) {
    return core::Error::invalid("stored campaign version " + std::to_string(version) + " no longer parses: " +
                                campaigns::format_findings(parsed.findings));
  }
  return std::move(*parsed.campaign);
}

core::Result<campaigns::Campaign> load_campaign_version(storage::Database& db, std::int64_t campaign_id, int version) {
  storage::CampaignStore store(db);
  auto v = store.version(campaign_id, version);
  if (!v) return v.error();
  return parse_campaign_version(*v, version);
}

void for_each_candidate_chunk(storage::Database& db, const campaigns::Campaign& campaign,
                              const campaigns::ChannelKinds& kinds, const storage::SuppressionList* suppression,
                              std::size_t chunk,
                              const std::function<void(const std::vector<campaigns::Candidate>&)>& fn) {
  // Consent and responders are folded into compact per-contact summaries first (a few bytes per
  // contact with events), then contacts stream past in id order.
  std::vector<std::string> channel_names;
  for (const auto& [name, kind] : kinds) channel_names.push_back(name);
  std::unordered_map<std::int64_t, CompactConsent> consent;
  storage::ConsentLedger ledger(db);
  ledger.for_each_state(campaign.consent_purpose, [&](std::int64_t id, const storage::ConsentState& s) {
    CompactConsent& cc = consent[id];
    bool any = false;
    for (std::size_t i = 0; i < channel_names.size() && i < 32; ++i) {
      if (s.granted(channel_names[i])) {
        cc.granted |= 1u << i;
        any = true;
      }
    }
    cc.opted_out = !any && s.withdrawn_anywhere();
  });
  ledger.for_each_state("peer-contact", [&](std::int64_t id, const storage::ConsentState& s) {
    bool any = s.granted("*");
    for (const auto& name : channel_names) any = any || s.granted(name);
    consent[id].peer_contact = any;
  });
  // A STOP under any contact purpose blocks everything (campaigns/contactability.h): keep the
  // states of contacts with a withdrawal, then ask the policy per contact.
  std::unordered_map<std::int64_t, campaigns::PersonFacts> withdrawals;
  for (const auto& purpose : ledger.purposes()) {
    if (is_share_purpose(purpose)) continue;
    ledger.for_each_state(purpose, [&](std::int64_t id, const storage::ConsentState& s) {
      if (s.withdrawn_anywhere()) withdrawals[id].consent[purpose] = s;
    });
  }
  // Open error reports block like the rest; a table that cannot be read blocks everyone.
  auto reported = storage::ErrorReportStore(db).open_contacts();
  std::unordered_set<std::int64_t> responders;
  storage::ResponseStore(db).for_each_responder([&](std::int64_t id) { responders.insert(id); });

  std::vector<campaigns::Candidate> batch;
  batch.reserve(chunk);
  storage::ContactStore(db).for_each([&](const storage::Contact& contact) {
    campaigns::Candidate c = to_candidate(contact);
    if (auto it = consent.find(contact.id); it != consent.end()) {
      for (std::size_t i = 0; i < channel_names.size() && i < 32; ++i) {
        if (it->second.granted & (1u << i)) c.consented_channels.insert(channel_names[i]);
      }
      c.opted_out = it->second.opted_out;
      c.peer_contact_consent = it->second.peer_contact;
    }
    c.responded = responders.count(contact.id) > 0;
    campaigns::PersonFacts facts;
    if (auto w = withdrawals.find(contact.id); w != withdrawals.end()) facts = std::move(w->second);
    facts.contact_id = contact.id;
    facts.do_not_contact = contact.do_not_contact;
    facts.suppressed = any_suppressed(suppression, contact);
    facts.error_report = !reported || reported->count(contact.id) > 0;
    c.blocked = campaigns::blocked(facts);
    batch.push_back(std::move(c));
    if (batch.size() >= chunk) {
      fn(batch);
      batch.clear();
    }
  });
  if (!batch.empty()) fn(batch);
}

core::Result<campaigns::Candidate> load_candidate(storage::Database& db, const campaigns::Campaign& campaign,
                                                  const campaigns::ChannelKinds& kinds,
                                                  const storage::SuppressionList* suppression,
                                                  std::int64_t contact_id, core::TimePoint since) {
  auto people = load_people_now(db, {contact_id}, suppression);
  if (!people) return people.error();
  auto it = people->find(contact_id);
  if (it == people->end()) return core::Error::not_found("no contact with id " + std::to_string(contact_id));
  return candidate_of(it->second, campaign, kinds, since);
}

}  // namespace outreach::engine
