#pragma once
// A parent-panel member's comments on one campaign version (issue 12 part 5): append-only, kept
// with the version so the approver reads what the panel said about exactly what they approve.
// `db` must outlive the store.

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct CampaignReview {
  std::int64_t id = 0;
  std::int64_t campaign_id = 0;
  int version = 0;
  std::string source_sha256;  // of the version's text when it was reviewed
  std::string reviewer;  // principal name
  std::string comment;
  core::TimePoint at{};
};

class CampaignReviewStore {
 public:
  explicit CampaignReviewStore(Database& db) : db_(db) {}
  CampaignReviewStore(const CampaignReviewStore&) = delete;
  CampaignReviewStore& operator=(const CampaignReviewStore&) = delete;

  // Joins the caller's transaction when there is one.
  core::Result<std::int64_t> add(const CampaignReview& r);
  // The reviews of exactly this text of the version (its source_sha256), oldest first.
  std::vector<CampaignReview> list(std::int64_t campaign_id, int version, const std::string& source_sha256) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
