#pragma once
// Campaign YAML -> Campaign. Pure: the caller reads the file and hands in its text and name.
// Every problem becomes a Finding placed at file:line:column (1-based, from yaml-cpp marks):
// YAML syntax errors, unknown keys (named), duplicate keys, missing required keys, wrong value
// types, malformed durations, days and hours. yaml-cpp exceptions never escape.
// References to other things (channels, municipalities, templates, variables) are checked by
// validate() in campaign_validator.h.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "campaigns/campaign.h"
#include "campaigns/finding.h"

namespace outreach::campaigns {

struct ParseOutcome {
  // Set when the text is YAML with a mapping at the top; fields that had errors keep defaults.
  std::optional<Campaign> campaign;
  std::vector<Finding> findings;

  bool ok() const { return campaign.has_value() && !has_errors(findings); }
};

ParseOutcome parse_campaign(std::string_view yaml_text, const std::string& file_name);

}  // namespace outreach::campaigns
