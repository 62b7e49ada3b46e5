#pragma once
// Turns one campaign step for one person into the message a channel sends: the template rendered in
// the person's language (nl fallback) with their variables, the address for the channel, the
// step's WhatsApp template with its parameters, and for the intermediary channel the intermediary
// as recipient and the person to approach. Pure: no I/O, no clock.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "campaigns/audience.h"
#include "campaigns/campaign.h"
#include "campaigns/template_renderer.h"
#include "channels/connector.h"
#include "core/error.h"
#include "engine/engine_config.h"

namespace outreach::engine {

// Our reference for one outbox row, "c<campaign>-s<step>-k<contact>": stable per (campaign, step,
// contact), the unique key of the outbox, and made of internal ids only (no address, no name). It
// goes to providers as client reference (CM, MessageBird), biz_opaque_callback_data (WhatsApp),
// in Twilio's StatusCallback URL and in e-mail Message-IDs; status callbacks bring it back.
struct StepRef {
  std::int64_t campaign_id = 0;
  int step = 0;
  std::int64_t contact_id = 0;
};
std::string make_client_ref(const StepRef& ref);
// nullopt for anything that is not exactly such a reference (replies, digests, posts, garbage).
std::optional<StepRef> parse_client_ref(std::string_view text);

struct StepMessage {
  std::int64_t message_id = 0;  // the outbox row: its one-click unsubscribe token names it
  std::int64_t campaign_id = 0;
  int step = 0;
  const campaigns::Campaign* campaign = nullptr;
  const campaigns::Candidate* person = nullptr;
  std::string channel;
  const IntermediaryConfig* intermediary = nullptr;  // set for a channel with provider intermediary
  core::TimePoint now{};
  // The campaign's templates prepared once (the dispatcher keeps them per campaign version);
  // null: rendered from scratch.
  campaigns::PreparedTemplates* templates = nullptr;
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
