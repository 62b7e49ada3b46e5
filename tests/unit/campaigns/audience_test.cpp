#include "campaigns/audience.h"

#include <gtest/gtest.h>

namespace outreach::campaigns {
namespace {

core::Urn urn(const char* text) { return core::Urn::parse(text).take(); }

Campaign campaign() {
  Campaign c;
  c.key = "t";
  c.audience.municipalities = {"GM0363"};
  c.audience.region = "rijnmond";
  c.audience.tags = {"herstel"};
  c.audience.exclude = {"responded", "opted_out", "do_not_contact"};
  Step first;
  first.id = "first_contact";
  first.channels = {"sms", "email"};
  first.template_id = "hello";
  c.steps.push_back(first);
  c.templates["hello"]["nl"].text = "x";
  c.templates["hello"]["tr"].text = "x";
  return c;
}

const std::map<std::string, std::string> kRegions = {
    {"GM0599", "rijnmond"}, {"GM0606", "rijnmond"}, {"GM0363", "amsterdam"}, {"GM0344", "utrecht"}};

// A reachable candidate in Rotterdam: phone and e-mail, consent for both.
Candidate person(std::int64_t id) {
  Candidate c;
  c.contact_id = id;
  c.name = "Samira de Vries";
  c.language = "nl";
  c.municipality = "GM0599";
  c.tags = {"herstel"};
  c.addresses = {urn("tel:+31612340001"), urn("mailto:samira@example.org")};
  c.consented_channels = {"sms", "email"};
  return c;
}

std::string why(const AudienceSelection& s, std::int64_t id) {
  for (const auto& i : s.included) {
    if (i.contact_id == id) return "included via " + i.channel + " in " + i.language;
  }
  for (const auto& x : s.suppressed) {
    if (x.contact_id == id) return to_string(x.reason);
  }
  return "absent";
}

TEST(Audience, ReachableContactIsIncludedOnTheFirstChannel) {
  auto s = select_audience(campaign(), {person(1)}, kRegions, default_channel_kinds());
  EXPECT_EQ(why(s, 1), "included via sms in nl");
}

TEST(Audience, EachSuppressionReason) {
  std::vector<Candidate> cs;
  Candidate utrecht = person(1);
  utrecht.municipality = "GM0344";
  cs.push_back(utrecht);
  Candidate untagged = person(2);
  untagged.tags = {"other"};
  cs.push_back(untagged);
  Candidate dnc = person(3);
  dnc.do_not_contact = true;
  cs.push_back(dnc);
  Candidate opted = person(4);
  opted.opted_out = true;
  opted.consented_channels.clear();
  cs.push_back(opted);
  Candidate responded = person(5);
  responded.responded = true;
  cs.push_back(responded);
  Candidate no_consent = person(6);
  no_consent.consented_channels = {"whatsapp"};
  cs.push_back(no_consent);
  Candidate no_address = person(7);
  no_address.addresses = {urn("whatsapp:31612340007")};
  cs.push_back(no_address);
  auto s = select_audience(campaign(), cs, kRegions, default_channel_kinds());
  EXPECT_EQ(why(s, 1), "not_in_audience");
  EXPECT_EQ(why(s, 2), "not_in_audience");
  EXPECT_EQ(why(s, 3), "do_not_contact");
  EXPECT_EQ(why(s, 4), "opted_out");
  EXPECT_EQ(why(s, 5), "responded");
  EXPECT_EQ(why(s, 6), "no_consent");
  EXPECT_EQ(why(s, 7), "no_address");
}

TEST(Audience, DoNotContactWinsEvenWhenNotListedInExclude) {
  Campaign c = campaign();
  c.audience.exclude.clear();
  Candidate dnc = person(1);
  dnc.do_not_contact = true;
  Candidate opted = person(2);
  opted.opted_out = true;
  Candidate responded = person(3);
  responded.responded = true;
  auto s = select_audience(c, {dnc, opted, responded}, kRegions, default_channel_kinds());
  EXPECT_EQ(why(s, 1), "do_not_contact");
  EXPECT_EQ(why(s, 2), "opted_out");
  EXPECT_EQ(why(s, 3), "included via sms in nl");  // responded is only excluded when asked
}

TEST(Audience, ListedMunicipalityOutsideTheRegionIsIncluded) {
  Candidate amsterdam = person(1);
  amsterdam.municipality = "GM0363";
  EXPECT_EQ(why(select_audience(campaign(), {amsterdam}, kRegions, default_channel_kinds()), 1),
            "included via sms in nl");
}

TEST(Audience, NoMunicipalitiesAndNoRegionMeansEveryMunicipality) {
  Campaign c = campaign();
  c.audience.municipalities.clear();
  c.audience.region.clear();
  c.audience.tags.clear();
  Candidate utrecht = person(1);
  utrecht.municipality = "GM0344";
  utrecht.tags.clear();
  EXPECT_EQ(why(select_audience(c, {utrecht}, kRegions, default_channel_kinds()), 1), "included via sms in nl");
}

TEST(Audience, FallsBackToTheNextChannelAndRecordsBothLanguages) {
  Candidate c = person(1);
  c.language = "pl";
  c.consented_channels = {"email"};
  auto s = select_audience(campaign(), {c}, kRegions, default_channel_kinds());
  ASSERT_EQ(s.included.size(), 1u);
  EXPECT_EQ(s.included[0].channel, "email");
  EXPECT_EQ(s.included[0].preferred_language, "pl");
  EXPECT_EQ(s.included[0].language, "nl");
  Candidate t = person(2);
  t.language = "tr";
  EXPECT_EQ(why(select_audience(campaign(), {t}, kRegions, default_channel_kinds()), 2), "included via sms in tr");
}

TEST(Audience, IntermediaryNeedsPeerContactConsentNotAnAddress) {
  Step handover;
  handover.id = "handover";
  handover.channels = {"intermediary"};
  Candidate c = person(1);
  c.addresses.clear();
  c.consented_channels.clear();
  EXPECT_EQ(pick_channel(handover, c, default_channel_kinds()), std::nullopt);
  c.peer_contact_consent = true;
  EXPECT_EQ(pick_channel(handover, c, default_channel_kinds()), "intermediary");
  c.opted_out = true;
  EXPECT_EQ(pick_channel(handover, c, default_channel_kinds()), std::nullopt);
}

TEST(Audience, IntermediaryFirstStepWithoutPeerConsentIsNoConsent) {
  Campaign camp = campaign();
  camp.steps[0].channels = {"intermediary"};
  EXPECT_EQ(why(select_audience(camp, {person(1)}, kRegions, default_channel_kinds()), 1), "no_consent");
}

TEST(Audience, PickChannelSkipsUnknownChannelsAndRespectsDoNotContact) {
  Step s;
  s.channels = {"fax", "whatsapp", "email"};
  Candidate c = person(1);
  c.addresses.push_back(urn("whatsapp:31612340001"));
  EXPECT_EQ(pick_channel(s, c, default_channel_kinds()), "email");  // no whatsapp consent
  c.consented_channels.insert("whatsapp");
  EXPECT_EQ(pick_channel(s, c, default_channel_kinds()), "whatsapp");
  c.do_not_contact = true;
  EXPECT_EQ(pick_channel(s, c, default_channel_kinds()), std::nullopt);
}

TEST(Audience, AddressForReturnsTheFirstAddressOfTheChannelScheme) {
  Candidate c = person(1);
  EXPECT_EQ(address_for(c, "email", default_channel_kinds())->str(), "mailto:samira@example.org");
  EXPECT_EQ(address_for(c, "whatsapp", default_channel_kinds()), std::nullopt);
  EXPECT_EQ(address_for(c, "intermediary", default_channel_kinds()), std::nullopt);
}

TEST(Audience, CountsForThePreview) {
  std::vector<Candidate> cs = {person(1), person(2), person(3), person(4), person(5)};
  cs[1].municipality = "GM0606";
  cs[1].language = "tr";
  cs[2].consented_channels = {"email"};
  cs[3].do_not_contact = true;
  cs[4].addresses.clear();
  const AudienceCounts n = select_audience(campaign(), cs, kRegions, default_channel_kinds()).counts();
  EXPECT_EQ(n.included, 3);
  EXPECT_EQ(n.suppressed, 2);
  EXPECT_EQ(n.by_municipality, (std::map<std::string, int>{{"GM0599", 2}, {"GM0606", 1}}));
  EXPECT_EQ(n.by_language, (std::map<std::string, int>{{"nl", 2}, {"tr", 1}}));
  EXPECT_EQ(n.by_channel, (std::map<std::string, int>{{"email", 1}, {"sms", 2}}));
  EXPECT_EQ(n.by_reason, (std::map<Suppression, int>{{Suppression::do_not_contact, 1}, {Suppression::no_address, 1}}));
}

TEST(Audience, CampaignWithoutStepsReachesNobody) {
  Campaign c = campaign();
  c.steps.clear();
  EXPECT_EQ(why(select_audience(c, {person(1)}, kRegions, default_channel_kinds()), 1), "no_address");
}

}  // namespace
}  // namespace outreach::campaigns
