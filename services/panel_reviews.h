#pragma once
// The parent panel's review of a campaign (issue 12 part 5: "a face, not a system"). A campaign
// with `review_by_parent_panel: true` cannot be approved before a member of the parents' panel
// (principal kind parent_panel) has commented on the submitted version; the approver reads those
// comments in the campaign's status (CLI `campaign status`, GET /v1/campaigns/{key}).
// Who may do what:
//   review (comment)  parent_panel, on a campaign in_review, never the version's author
//   reviews (read)    coordinator, approver, parent_panel, operator (like campaign status)
// A new version, or a draft edited after a rejection, needs a new review: comments belong to the
// text they were written on.

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "storage/campaign_review_store.h"

namespace outreach::storage {
class Database;
}

namespace outreach::services {

struct PanelReviewState {
  bool required = false;                        // the version says review_by_parent_panel: true
  std::vector<storage::CampaignReview> reviews;  // on the current version, oldest first
};

// `db` and `clock` must outlive the service.
class PanelReviews {
 public:
  PanelReviews(storage::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  // Adds the comment (1-2000 characters of UTF-8) on the current (submitted) version. One
  // transaction with its audit record ("campaign.review").
  core::Result<storage::CampaignReview> review(const Actor& actor, const std::string& key, const std::string& comment);
  core::Result<PanelReviewState> state(const Actor& actor, const std::string& key) const;

 private:
  storage::Database& db_;
  const core::Clock& clock_;
};

// For CampaignDesk::approve: conflict when the current version of campaign `key` requires a panel
// review and none by someone other than `approver` exists. Ok otherwise (and for unknown campaigns:
// the transition reports those).
core::Status require_panel_review(storage::Database& db, const Actor& approver, const std::string& key);

}  // namespace outreach::services
