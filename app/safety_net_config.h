#pragma once
// Parses outreach.yaml's `scorecards:` and `safety_net:` blocks (issue 12) into EngineConfig;
// called by load_config. Errors name the file, line and field ("outreach.yaml:40:
// safety_net.regions.rijnmond.unacknowledged_past_sla.min_share: expected a share in (0, 1]").

#include <string>

#include "core/error.h"

namespace YAML {
class Node;
}
namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::app {

core::Status parse_scorecard_and_safety_net(const YAML::Node& root, const std::string& path, engine::EngineConfig& e);

}  // namespace outreach::app
