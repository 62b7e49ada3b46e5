#include "campaigns/lifecycle.h"

#include <array>

namespace outreach::campaigns {
namespace {

constexpr std::array<const char*, 7> kNames = {"draft",  "in_review", "approved", "running",
                                               "paused", "completed", "cancelled"};

bool allowed(CampaignState from, CampaignState to) {
  using S = CampaignState;
  switch (from) {
    case S::draft: return to == S::in_review || to == S::cancelled;
    case S::in_review: return to == S::approved || to == S::draft || to == S::cancelled;
    case S::approved: return to == S::running || to == S::cancelled;
    case S::running: return to == S::paused || to == S::completed || to == S::cancelled;
    case S::paused: return to == S::running || to == S::completed || to == S::cancelled;
    case S::completed:
    case S::cancelled: return false;
  }
  return false;
}

}  // namespace

const char* to_string(CampaignState s) { return kNames[static_cast<int>(s)]; }

std::optional<CampaignState> parse_campaign_state(std::string_view text) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (text == kNames[i]) return static_cast<CampaignState>(i);
  }
  return std::nullopt;
}

core::Status check_transition(CampaignState from, CampaignState to, const std::string& author,
                              const std::string& actor) {
  if (!allowed(from, to)) {
    return core::Error::conflict(std::string("a campaign cannot go from ") + to_string(from) +
                                     " to " + to_string(to),
                                 "campaign state");
  }
  if (to == CampaignState::approved && actor == author) {
    return core::Error::forbidden("the approver must be a different principal than the author ('" +
                                      author + "')",
                                  "campaign state");
  }
  return {};
}

}  // namespace outreach::campaigns
