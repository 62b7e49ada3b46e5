#pragma once
// Which intermediary approaches a person on the intermediary channel (rules in engine_config.h).

#include <map>
#include <string>

#include "campaigns/audience.h"
#include "engine/engine_config.h"

namespace outreach::engine {

// nullptr when no configured intermediary serves the person. `region_of`: municipality -> region.
const IntermediaryConfig* route_intermediary(const std::vector<IntermediaryConfig>& intermediaries,
                                             const campaigns::Candidate& person,
                                             const std::map<std::string, std::string>& region_of);

// The person as an intermediary needs to know them: name, municipality and the first phone
// number and e-mail address on file (peer-contact consent covers passing these on).
// The person as an intermediary gets them: name, language, municipality, and only the phone and
// e-mail their "peer-contact" consent covers (on that address's channel, or on every channel).
channels::PersonToApproach person_to_approach(const campaigns::Candidate& person, const campaigns::ChannelKinds& kinds);

}  // namespace outreach::engine
