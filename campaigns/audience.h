#pragma once
// Who a campaign reaches, decided from plain candidate data (the caller loads contacts, current
// consent and do-not-contact from storage). Pure; the engine calls pick_channel() again at send
// time, so consent and do-not-contact are checked at launch and at the moment of sending.
//
// A candidate is suppressed for the first reason that applies, in this order:
//   not_in_audience  municipality neither listed nor in the region, or none of the tags;
//   do_not_contact   always, whatever audience.exclude says;
//   erased, suppressed_address, error_report, stopped
//                    always: what the contactability policy refuses for every use (Candidate::blocked);
//   opted_out        always: withdrew the campaign's purpose on every channel (also blocks the
//                    intermediary channel: a STOP is respected everywhere);
//   responded        only when audience.exclude lists "responded";
//   no_consent       the first step has a channel the contact has an address for, but none with
//                    consent;
//   no_address       no address for any channel of the first step.
// The intermediary channel needs no personal address: it is usable when the contact consented to
// purpose "peer-contact" (on any channel), which Candidate::peer_contact_consent carries.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "campaigns/campaign.h"
#include "campaigns/channel_kinds.h"
#include "campaigns/contactability.h"
#include "core/urn.h"

namespace outreach::campaigns {

struct Candidate {
  std::int64_t contact_id = 0;
  std::string name;
  std::string language;      // self-declared preference, "tr"
  std::string municipality;  // CBS code, "GM0599"
  std::vector<std::string> tags;
  std::vector<core::Urn> addresses;
  bool do_not_contact = false;
  bool responded = false;
  std::set<std::string> consented_channels;  // channels with current consent for the campaign purpose
  bool opted_out = false;                    // withdrew the purpose on every channel
  bool peer_contact_consent = false;         // current consent for "peer-contact" on any channel
  std::set<std::string> peer_contact_channels;  // channels ("*" for all) with "peer-contact" consent
  // What the contactability policy (campaigns/contactability.h) refuses whatever is asked: erased,
  // do-not-contact, a suppressed address, an open error report, a STOP on any channel.
  Refusal blocked = Refusal::none;
};

enum class Suppression {
  not_in_audience, do_not_contact, opted_out, responded, no_consent, no_address,
  erased, suppressed_address, stopped, error_report
};

const char* to_string(Suppression s);

struct Included {
  std::int64_t contact_id = 0;
  std::string municipality;
  std::string preferred_language;  // Candidate::language
  std::string language;            // used to render the first step: preferred, or nl
  std::string channel;             // first usable channel of the first step
};

struct Suppressed {
  std::int64_t contact_id = 0;
  std::string municipality;
  Suppression reason = Suppression::not_in_audience;
};

// Counts for the launch preview. Per municipality, language and channel: included contacts only.
struct AudienceCounts {
  int included = 0;
  int suppressed = 0;
  std::map<std::string, int> by_municipality;
  std::map<std::string, int> by_language;  // language used
  std::map<std::string, int> by_channel;
  std::map<Suppression, int> by_reason;
};

struct AudienceSelection {
  std::vector<Included> included;      // in candidate order
  std::vector<Suppressed> suppressed;  // in candidate order

  AudienceCounts counts() const;
};

// `region_of` maps municipality code -> region key. A campaign without steps suppresses everyone
// in its audience as no_address.
AudienceSelection select_audience(const Campaign& campaign, const std::vector<Candidate>& candidates,
                                  const std::map<std::string, std::string>& region_of,
                                  const ChannelKinds& channels);

// Whether the candidate is in the campaign's audience (municipality/region and tags only).
bool in_audience(const Campaign& campaign, const Candidate& candidate,
                 const std::map<std::string, std::string>& region_of);

// The first channel of step.channels the candidate can be sent on now: known in `channels`, an
// address of its scheme and consent for it (intermediary: peer-contact consent). Nothing for a
// do-not-contact or opted-out candidate.
std::optional<std::string> pick_channel(const Step& step, const Candidate& candidate,
                                        const ChannelKinds& channels);

// The candidate's first address for `channel` (nothing for intermediary or unknown channels).
std::optional<core::Urn> address_for(const Candidate& candidate, const std::string& channel,
                                     const ChannelKinds& channels);

}  // namespace outreach::campaigns
