#include "services/contactability.h"

#include "engine/audience_source.h"
#include "storage/contact_store.h"
#include "storage/municipality_store.h"
#include "storage/suppression_list.h"

namespace outreach::services {

using storage::PrincipalKind;

Contactability::Contactability(storage::Database& db, const std::string& suppression_key)
    : db_(db), region_of_(storage::MunicipalityStore(db).region_of_all()) {
  if (!suppression_key.empty()) suppression_ = std::make_unique<storage::SuppressionList>(db, suppression_key);
}

Contactability::~Contactability() = default;

std::set<std::string> Contactability::municipalities_in_scope(const Actor& actor) const {
  std::set<std::string> out;
  auto add_region = [&](const std::string& region) {
    for (const auto& [code, r] : region_of_) {
      if (r == region) out.insert(code);
    }
  };
  switch (actor.kind) {
    case PrincipalKind::municipality:
      if (!actor.scope.empty()) out.insert(actor.scope);
      break;
    case PrincipalKind::regional_hub:
      add_region(actor.scope);
      break;
    case PrincipalKind::national_fallback:
      for (const auto& [code, name] : storage::MunicipalityStore(db_).names()) out.insert(code);
      break;
    case PrincipalKind::volunteer:
    case PrincipalKind::intermediary:
      for (const auto& item : actor.scope_list()) {
        if (item.rfind("GM", 0) == 0) out.insert(item);
        else add_region(item);
      }
      break;
    default:
      break;
  }
  return out;
}

bool Contactability::in_scope(const Actor& actor, const std::string& municipality) const {
  if (actor.kind == PrincipalKind::national_fallback) return !municipality.empty();
  return municipalities_in_scope(actor).count(municipality) > 0;
}

core::Result<campaigns::PersonFacts> Contactability::facts(std::int64_t contact_id) const {
  return engine::load_person_facts(db_, contact_id, suppression_.get());
}

core::Result<std::unordered_map<std::int64_t, campaigns::PersonFacts>> Contactability::facts_of(
    const std::vector<std::int64_t>& contact_ids) const {
  return engine::load_people_facts(db_, contact_ids, suppression_.get());
}

campaigns::Verdict Contactability::decide(const Actor& actor, const campaigns::PersonFacts& facts,
                                          const campaigns::Ask& ask) const {
  if (!in_scope(actor, facts.municipality)) return campaigns::Verdict{campaigns::Refusal::out_of_scope};
  return campaigns::decide(facts, ask);
}

core::Result<campaigns::Verdict> Contactability::check(const Actor& actor, std::int64_t contact_id,
                                                       const campaigns::Ask& ask) const {
  auto f = facts(contact_id);
  if (!f) return f.error();
  return decide(actor, *f, ask);
}

core::Result<std::unordered_map<std::int64_t, campaigns::Verdict>> Contactability::check_all(
    const Actor& actor, const std::vector<std::int64_t>& contact_ids, const campaigns::Ask& ask) const {
  return check_contacts(actor, storage::ContactStore(db_).get_many(contact_ids, storage::ContactStore::Tags::skip), ask);
}

std::unordered_map<std::int64_t, campaigns::Verdict> Contactability::check_contacts(
    const Actor& actor, const std::vector<storage::Contact>& contacts, const campaigns::Ask& ask) const {
  std::unordered_map<std::int64_t, campaigns::Verdict> out;
  for (const auto& [id, f] : engine::facts_of_contacts(db_, contacts, suppression_.get())) {
    out.emplace(id, decide(actor, f, ask));
  }
  return out;
}

}  // namespace outreach::services
