#include "campaigns/audience.h"

#include <algorithm>

#include "campaigns/template_renderer.h"

namespace outreach::campaigns {
namespace {

bool has_scheme(const Candidate& c, core::UrnScheme scheme) {
  return std::any_of(c.addresses.begin(), c.addresses.end(),
                     [&](const core::Urn& u) { return u.scheme() == scheme; });
}

// No usable channel: is it consent or addresses that are missing?
Suppression why_unreachable(const Step& step, const Candidate& c, const ChannelKinds& channels) {
  for (const auto& name : step.channels) {
    auto k = channels.find(name);
    if (k == channels.end() || k->second.page()) continue;
    if (!k->second.direct() || has_scheme(c, k->second.scheme)) return Suppression::no_consent;
  }
  return Suppression::no_address;
}

Suppression suppression_for(Refusal r) {
  switch (r) {
    case Refusal::erased: return Suppression::erased;
    case Refusal::do_not_contact: return Suppression::do_not_contact;
    case Refusal::suppressed: return Suppression::suppressed_address;
    case Refusal::error_report: return Suppression::error_report;
    case Refusal::stopped: return Suppression::stopped;
    case Refusal::no_consent: return Suppression::no_consent;
    case Refusal::none:
    case Refusal::out_of_scope: break;
  }
  return Suppression::not_in_audience;
}

}  // namespace

const char* to_string(Suppression s) {
  switch (s) {
    case Suppression::not_in_audience: return "not_in_audience";
    case Suppression::do_not_contact: return "do_not_contact";
    case Suppression::opted_out: return "opted_out";
    case Suppression::responded: return "responded";
    case Suppression::no_consent: return "no_consent";
    case Suppression::no_address: return "no_address";
    case Suppression::erased: return "erased";
    case Suppression::suppressed_address: return "suppressed_address";
    case Suppression::stopped: return "stopped";
    case Suppression::error_report: return "error_report";
  }
  return "?";
}

bool in_audience(const Campaign& campaign, const Candidate& c,
                 const std::map<std::string, std::string>& region_of) {
  const Audience& a = campaign.audience;
  if (!a.municipalities.empty() || !a.region.empty()) {
    const bool listed = std::find(a.municipalities.begin(), a.municipalities.end(), c.municipality) !=
                        a.municipalities.end();
    auto r = region_of.find(c.municipality);
    const bool in_region = !a.region.empty() && r != region_of.end() && r->second == a.region;
    if (!listed && !in_region) return false;
  }
  if (!a.tags.empty()) {
    const bool tagged = std::any_of(c.tags.begin(), c.tags.end(), [&](const std::string& t) {
      return std::find(a.tags.begin(), a.tags.end(), t) != a.tags.end();
    });
    if (!tagged) return false;
  }
  return true;
}

std::optional<core::Urn> address_for(const Candidate& c, const std::string& channel,
                                     const ChannelKinds& channels) {
  auto k = channels.find(channel);
  if (k == channels.end() || !k->second.direct()) return std::nullopt;
  for (const auto& u : c.addresses) {
    if (u.scheme() == k->second.scheme) return u;
  }
  return std::nullopt;
}

std::optional<std::string> pick_channel(const Step& step, const Candidate& c,
                                        const ChannelKinds& channels) {
  if (c.do_not_contact || c.opted_out || c.blocked != Refusal::none) return std::nullopt;
  for (const auto& name : step.channels) {
    auto k = channels.find(name);
    if (k == channels.end() || k->second.page()) continue;  // a page reaches nobody in person
    if (!k->second.direct()) {
      if (c.peer_contact_consent) return name;
      continue;
    }
    if (c.consented_channels.count(name) > 0 && has_scheme(c, k->second.scheme)) return name;
  }
  return std::nullopt;
}

AudienceSelection select_audience(const Campaign& campaign, const std::vector<Candidate>& candidates,
                                  const std::map<std::string, std::string>& region_of,
                                  const ChannelKinds& channels) {
  AudienceSelection out;
  const Step* first = campaign.steps.empty() ? nullptr : &campaign.steps.front();
  for (const Candidate& c : candidates) {
    auto suppress = [&](Suppression why) {
      out.suppressed.push_back(Suppressed{c.contact_id, c.municipality, why});
    };
    if (!in_audience(campaign, c, region_of)) {
      suppress(Suppression::not_in_audience);
    } else if (c.do_not_contact) {
      suppress(Suppression::do_not_contact);
    } else if (c.blocked != Refusal::none) {
      suppress(suppression_for(c.blocked));
    } else if (c.opted_out) {
      suppress(Suppression::opted_out);
    } else if (c.responded && campaign.audience.excludes("responded")) {
      suppress(Suppression::responded);
    } else if (first == nullptr) {
      suppress(Suppression::no_address);
    } else if (auto ch = pick_channel(*first, c, channels)) {
      out.included.push_back(Included{c.contact_id, c.municipality, c.language,
                                      language_for(campaign, first->template_id, c.language), *ch});
    } else {
      suppress(why_unreachable(*first, c, channels));
    }
  }
  return out;
}

AudienceCounts AudienceSelection::counts() const {
  AudienceCounts n;
  n.included = static_cast<int>(included.size());
  n.suppressed = static_cast<int>(suppressed.size());
  for (const auto& i : included) {
    ++n.by_municipality[i.municipality];
    ++n.by_language[i.language];
    ++n.by_channel[i.channel];
  }
  for (const auto& s : suppressed) ++n.by_reason[s.reason];
  return n;
}

}  // namespace outreach::campaigns
