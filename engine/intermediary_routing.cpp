#include "engine/intermediary_routing.h"

#include <algorithm>

namespace outreach::engine {

namespace {

bool lists(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

bool serves(const IntermediaryConfig& i, const campaigns::Candidate& person,
            const std::map<std::string, std::string>& region_of) {
  if (!i.languages.empty() && !lists(i.languages, person.language)) return false;
  if (i.municipalities.empty() && i.regions.empty()) return true;
  if (lists(i.municipalities, person.municipality)) return true;
  auto region = region_of.find(person.municipality);
  return region != region_of.end() && lists(i.regions, region->second);
}

}  // namespace

const IntermediaryConfig* route_intermediary(const std::vector<IntermediaryConfig>& intermediaries,
                                             const campaigns::Candidate& person,
                                             const std::map<std::string, std::string>& region_of) {
  for (const core::Urn& a : person.addresses) {
    if (a.scheme() != core::UrnScheme::intermediary) continue;
    for (const auto& i : intermediaries)
      if (i.settings.key == a.path()) return &i;
  }
  for (const auto& i : intermediaries)
    if (serves(i, person, region_of)) return &i;
  return nullptr;
}

channels::PersonToApproach person_to_approach(const campaigns::Candidate& person, const campaigns::ChannelKinds& kinds) {
  channels::PersonToApproach p{.name = person.name, .language = person.language, .municipality = person.municipality};
  auto covered = [&](const core::Urn& a) {
    if (person.peer_contact_channels.count("*")) return true;
    for (const auto& name : person.peer_contact_channels) {
      auto k = kinds.find(name);
      if (k != kinds.end() && k->second.scheme == a.scheme()) return true;
    }
    return false;
  };
  for (const core::Urn& a : person.addresses) {
    if (!covered(a)) continue;
    if (a.scheme() == core::UrnScheme::tel && !p.phone) p.phone = a.path();
    if (a.scheme() == core::UrnScheme::mailto && !p.email) p.email = a.path();
  }
  return p;
}

}  // namespace outreach::engine
