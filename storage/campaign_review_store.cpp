#include "storage/campaign_review_store.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {

core::Result<std::int64_t> CampaignReviewStore::add(const CampaignReview& r) {
  std::int64_t id = 0;
  auto st = db_.transaction([&]() -> core::Status {
    Statement ins(db_,
                  "INSERT INTO campaign_reviews(campaign_id, version, source_sha256, reviewer, comment, at) "
                  "VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    ins.bind(1, static_cast<int64_t>(r.campaign_id));
    ins.bind(2, r.version);
    ins.bind(3, r.source_sha256);
    ins.bind(4, r.reviewer);
    ins.bind(5, r.comment);
    ins.bind(6, static_cast<int64_t>(core::to_millis(r.at)));
    id = returning_id(ins);
    return {};
  });
  if (!st) return st.error();
  return id;
}

std::vector<CampaignReview> CampaignReviewStore::list(std::int64_t campaign_id, int version,
                                                     const std::string& source_sha256) const {
  Statement st(db_,
               "SELECT id, campaign_id, version, source_sha256, reviewer, comment, at FROM campaign_reviews "
               "WHERE campaign_id = ? AND version = ? AND source_sha256 = ? ORDER BY id");
  st.bind(1, static_cast<int64_t>(campaign_id));
  st.bind(2, version);
  st.bind(3, source_sha256);
  std::vector<CampaignReview> out;
  while (st.executeStep()) {
    out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getInt64(), st.getColumn(2).getInt(),
                   st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(5).getString(),
                   core::from_millis(st.getColumn(6).getInt64())});
  }
  return out;
}

}  // namespace outreach::storage
