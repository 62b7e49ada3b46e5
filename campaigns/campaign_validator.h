#pragma once
// Checks a Campaign against itself and against what the system knows (channels, municipalities,
// regions). Pure; returns every problem found, placed via campaign.locations when the campaign
// came from parse_campaign(). An empty list (or one without errors) means the engine can run it.
// Checks: key, name, sender and purpose present and well-formed; asks_for and exclude values;
// audience municipalities, region and languages; send window days, hours and timezone (non-empty:
// the engine resolves the name); steps present, ids well-formed and unique, known channels, known
// templates, `after` of later steps not 0d (warning); templates and partials: nl present, language
// codes well-formed and listed in audience.languages, Mustache syntax, only known variables, only
// known partials, no partial cycles, no partial named like a variable; unused templates (warning).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "campaigns/campaign.h"
#include "campaigns/channel_kinds.h"
#include "campaigns/finding.h"

namespace outreach::campaigns {

struct ValidationContext {
  ChannelKinds channels;               // channel name -> kind
  std::set<std::string> municipalities;  // CBS codes in force
  std::set<std::string> regions;         // region keys
};

std::vector<Finding> validate(const Campaign& campaign, const ValidationContext& context);

// "nl", "en", "pap": two or three lower-case ASCII letters.
bool is_language_code(std::string_view code);

}  // namespace outreach::campaigns
