#include "campaigns/sample_messages.h"

namespace outreach::campaigns {

SampleMessages::SampleMessages(const Campaign& campaign) : vars_(sample_vars(campaign)) {
  for (const auto& [id, languages] : campaign.templates) {
    for (const auto& entry : languages) {
      rendered_.emplace(std::make_pair(id, entry.first), render(campaign, id, entry.first, vars_));
    }
  }
}

}  // namespace outreach::campaigns
