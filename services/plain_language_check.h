#pragma once
// The plain-language checks of a campaign (campaigns/plain_language.h) with the configured rules:
// the case SLA from the engine configuration, and the hyphenation patterns of the campaign's
// languages, loaded for the check. Shared by `campaign validate` and the approver's preview.

#include <string>
#include <vector>

#include "campaigns/finding.h"

namespace outreach::campaigns {
struct Campaign;
class SampleMessages;
}
namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

struct PlainLanguageCheck {
  std::vector<campaigns::Finding> findings;  // promises (errors and warnings), readability (warnings)
  std::vector<std::string> readability;      // one line per (template, language)
};

// `samples` are the campaign's own.
PlainLanguageCheck check_plain_language(const campaigns::Campaign& campaign, const campaigns::SampleMessages& samples,
                                        const engine::EngineConfig& config);

}  // namespace outreach::services
