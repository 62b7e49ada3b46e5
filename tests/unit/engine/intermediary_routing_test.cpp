#include "engine/intermediary_routing.h"

#include <gtest/gtest.h>

namespace outreach::engine {
namespace {

IntermediaryConfig serving(const std::string& key, std::vector<std::string> municipalities,
                           std::vector<std::string> regions, std::vector<std::string> languages) {
  IntermediaryConfig i;
  i.settings.key = key;
  i.municipalities = std::move(municipalities);
  i.regions = std::move(regions);
  i.languages = std::move(languages);
  return i;
}

campaigns::Candidate person(const std::string& municipality, const std::string& language) {
  campaigns::Candidate c;
  c.name = "Samira de Vries";
  c.municipality = municipality;
  c.language = language;
  return c;
}

const std::map<std::string, std::string> kRegions = {{"GM0599", "rijnmond"}, {"GM0606", "rijnmond"}};

std::string route(const std::vector<IntermediaryConfig>& all, const campaigns::Candidate& c) {
  const IntermediaryConfig* i = route_intermediary(all, c, kRegions);
  return i ? i->settings.key : "-";
}

TEST(IntermediaryRouting, FirstConfiguredMatchWinsByMunicipalityRegionAndLanguage) {
  const std::vector<IntermediaryConfig> all = {serving("turks-rotterdam", {"GM0599"}, {}, {"tr"}),
                                               serving("rotterdam", {"GM0599"}, {}, {}),
                                               serving("rijnmond", {}, {"rijnmond"}, {}),
                                               serving("arabisch-landelijk", {}, {}, {"ar"})};
  EXPECT_EQ(route(all, person("GM0599", "tr")), "turks-rotterdam");
  EXPECT_EQ(route(all, person("GM0599", "nl")), "rotterdam");
  EXPECT_EQ(route(all, person("GM0606", "tr")), "rijnmond");    // in the region
  EXPECT_EQ(route(all, person("GM0363", "ar")), "arabisch-landelijk");  // everywhere, one language
  EXPECT_EQ(route(all, person("GM0363", "nl")), "-");           // nobody serves Amsterdam in Dutch
}

TEST(IntermediaryRouting, ThePersonsOwnIntermediaryAddressWins) {
  const std::vector<IntermediaryConfig> all = {serving("rotterdam", {"GM0599"}, {}, {}),
                                               serving("moskee-delfshaven", {"GM0344"}, {}, {"ar"})};
  auto c = person("GM0599", "nl");
  c.addresses.push_back(core::Urn::parse("intermediary:moskee-delfshaven").take());
  EXPECT_EQ(route(all, c), "moskee-delfshaven");  // explicit, whatever the rules say
  campaigns::Candidate unknown = person("GM0599", "nl");
  unknown.addresses.push_back(core::Urn::parse("intermediary:opgeheven").take());
  EXPECT_EQ(route(all, unknown), "rotterdam");  // an intermediary no longer configured: the rules decide
}

TEST(IntermediaryRouting, PersonToApproachCarriesFirstPhoneAndEmail) {
  auto c = person("GM0599", "nl");
  c.addresses.push_back(core::Urn::parse("mailto:samira@example.org").take());
  c.addresses.push_back(core::Urn::parse("tel:+31612340001").take());
  c.addresses.push_back(core::Urn::parse("tel:+31612340002").take());
  c.peer_contact_channels = {"*"};
  const campaigns::ChannelKinds kinds = {{"sms", {core::UrnScheme::tel}}, {"email", {core::UrnScheme::mailto}}};
  auto p = person_to_approach(c, kinds);
  EXPECT_EQ(p.name, "Samira de Vries");
  EXPECT_EQ(p.language, "nl");
  EXPECT_EQ(p.municipality, "GM0599");
  EXPECT_EQ(p.phone, "+31612340001");
  EXPECT_EQ(p.email, "samira@example.org");
  EXPECT_FALSE(person_to_approach(person("GM0599", "nl"), kinds).phone.has_value());
}

TEST(IntermediaryRouting, PersonToApproachCarriesOnlyTheAddressesTheirPeerConsentCovers) {
  auto c = person("GM0599", "nl");
  c.addresses.push_back(core::Urn::parse("mailto:samira@example.org").take());
  c.addresses.push_back(core::Urn::parse("tel:+31612340001").take());
  c.peer_contact_channels = {"sms"};  // "a peer may text or call me", nothing about e-mail
  const campaigns::ChannelKinds kinds = {{"sms", {core::UrnScheme::tel}}, {"email", {core::UrnScheme::mailto}}};
  auto p = person_to_approach(c, kinds);
  EXPECT_EQ(p.phone, "+31612340001");
  EXPECT_FALSE(p.email.has_value());
}

}  // namespace
}  // namespace outreach::engine
