#pragma once
// The campaign state machine (DESIGN.md "State machines"):
//   draft -> in_review (submit)          in_review -> draft (reject)
//   in_review -> approved (approve; the approver must differ from the author: four eyes)
//   approved -> running (launch)         running <-> paused
//   running | paused -> completed | cancelled
//   draft | in_review | approved -> cancelled
// Editing an approved campaign makes a new version in draft (the caller's job). Pure.

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace outreach::campaigns {

enum class CampaignState { draft, in_review, approved, running, paused, completed, cancelled };

const char* to_string(CampaignState s);
std::optional<CampaignState> parse_campaign_state(std::string_view text);

// Ok when `actor` may move a campaign written by `author` from `from` to `to`.
// Errors: conflict naming both states for a transition the machine does not have; forbidden when
// the author tries to approve their own campaign.
core::Status check_transition(CampaignState from, CampaignState to, const std::string& author,
                              const std::string& actor);

}  // namespace outreach::campaigns
