#pragma once
// Turns one campaign step for one person into the message a channel sends: the template rendered in
// the person's language (nl fallback) with their variables, the address for the channel, the
// step's WhatsApp template with its parameters, and for the intermediary channel the intermediary
// as recipient and the person to approach. Pure: no I/O, no clock.

#include <cstdint>
#include <map>
#include <string>

#include "campaigns/audience.h"
#include "campaigns/campaign.h"
#include "channels/connector.h"
#include "core/error.h"
#include "engine/engine_config.h"

namespace outreach::engine {

struct StepMessage {
  std::int64_t message_id = 0;  // the outbox row: its one-click unsubscribe token names it
  std::int64_t campaign_id = 0;
  int step = 0;
  const campaigns::Campaign* campaign = nullptr;
  const campaigns::Candidate* person = nullptr;
  std::string channel;
  const IntermediaryConfig* intermediary = nullptr;  // set for a channel with provider intermediary
  core::TimePoint now{};
};

class MessageComposer {
 public:
  // `kinds`, `municipality_names` (CBS code -> name) must outlive the composer. The unsubscribe
  // link is public_base_url + "/u/" + storage::make_unsubscribe_token(message id, unsubscribe_key);
  // with an empty key (or no message id) the message has no unsubscribe link.
  MessageComposer(const campaigns::ChannelKinds& kinds, const std::map<std::string, std::string>& municipality_names,
                  std::string public_base_url, std::string unsubscribe_key = {})
      : kinds_(kinds),
        municipality_names_(municipality_names),
        public_base_url_(std::move(public_base_url)),
        unsubscribe_key_(std::move(unsubscribe_key)) {}

  // Errors come from rendering ("templates.first.nl: ...").
  core::Result<channels::OutboundMessage> compose(const StepMessage& m) const;

 private:
  const campaigns::ChannelKinds& kinds_;
  const std::map<std::string, std::string>& municipality_names_;
  std::string public_base_url_;
  std::string unsubscribe_key_;
};

}  // namespace outreach::engine
