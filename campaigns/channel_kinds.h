#pragma once
// What campaigns need to know about each channel name a step may list: the URN scheme of the
// personal address it sends to. A channel whose scheme is `intermediary` needs no personal address:
// a peer volunteer or intermediary organisation approaches the person (see audience.h). A channel
// whose scheme is `page` reaches nobody in person: it only publishes a campaign's posts.
// Plain data; the engine builds the real map from its configured connectors.

#include <map>
#include <string>

#include "core/urn.h"

namespace outreach::campaigns {

struct ChannelKind {
  core::UrnScheme scheme = core::UrnScheme::tel;

  // A direct message (SMS, e-mail, WhatsApp, DM): the law wants the sender named and a free
  // opt-out in every message (Telecommunicatiewet 11.7), so lint checks those templates.
  bool direct() const { return scheme != core::UrnScheme::intermediary && scheme != core::UrnScheme::page; }
  // A public page (scheme `page`): publishes a campaign's generic posts, never reaches a person.
  bool page() const { return scheme == core::UrnScheme::page; }
};

using ChannelKinds = std::map<std::string, ChannelKind>;

// {sms: tel, email: mailto, whatsapp: whatsapp, intermediary: intermediary, facebook_page: page}
ChannelKinds default_channel_kinds();

}  // namespace outreach::campaigns
