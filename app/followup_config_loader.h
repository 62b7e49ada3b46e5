#pragma once
// The `followup:` block of outreach.yaml (engine/followup_config.h; README: Follow-ups).

#include <string>

#include "core/error.h"
#include "engine/followup_config.h"

namespace YAML {
class Node;
}

namespace outreach::app {

// Reads `node` over the defaults in `out`. Errors name the file, line and field
// ("outreach.yaml:40: followup.reopen_at_or_below: expected 1 to 4").
core::Status load_followup_config(const YAML::Node& node, const std::string& path, engine::FollowupConfig& out);

}  // namespace outreach::app
