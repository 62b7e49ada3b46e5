#include "services/panel_reviews.h"

#include "core/text_encoding.h"
#include "engine/audience_source.h"
#include "services/audit_trail.h"
#include "storage/campaign_store.h"
#include "storage/database.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {
constexpr std::size_t kMaxComment = 2000;

bool required(storage::Database& db, const storage::CampaignRecord& rec) {
  auto c = engine::load_campaign_version(db, rec.id, rec.version);
  return c && c->review_by_parent_panel;
}

// The reviews of the current text of the current version.
std::vector<storage::CampaignReview> current_reviews(storage::Database& db, const storage::CampaignRecord& rec) {
  auto v = storage::CampaignStore(db).version(rec.id, rec.version);
  if (!v) return {};
  return storage::CampaignReviewStore(db).list(rec.id, rec.version, v->source_sha256);
}
}  // namespace

core::Result<storage::CampaignReview> PanelReviews::review(const Actor& actor, const std::string& key,
                                                           const std::string& comment) {
  if (auto st = require_kind(actor, {PrincipalKind::parent_panel}, "review campaigns for the parents' panel"); !st) {
    return st.error();
  }
  if (comment.find_first_not_of(" \t\r\n") == std::string::npos) {
    return core::Error::invalid("write the panel's comment: the approver reads it", "comment");
  }
  if (comment.size() > kMaxComment) {
    return core::Error::invalid("a comment is at most " + std::to_string(kMaxComment) + " characters", "comment");
  }
  if (!core::is_valid_utf8(comment)) return core::Error::invalid("the comment must be UTF-8 text", "comment");
  storage::CampaignReview r;
  auto st = db_.transaction([&]() -> core::Status {
    storage::CampaignStore store(db_);
    auto rec = store.find(key);
    if (!rec) return rec.error();
    if (rec->state != "in_review") {
      return core::Error::conflict("campaign '" + key + "' is " + rec->state + ": the panel reviews a submitted version",
                                   "state");
    }
    if (rec->author == actor.name) return core::Error::forbidden("the author of a version cannot review it");
    auto v = store.version(rec->id, rec->version);
    if (!v) return v.error();
    r.campaign_id = rec->id;
    r.version = rec->version;
    r.source_sha256 = v->source_sha256;
    r.reviewer = actor.name;
    r.comment = comment;
    r.at = clock_.now();
    auto id = storage::CampaignReviewStore(db_).add(r);
    if (!id) return id.error();
    r.id = *id;
    return AuditTrail(db_, clock_).record(actor, "campaign.review", "campaign:" + key, "outreach",
                                          "version=" + std::to_string(rec->version));
  });
  if (!st) return st.error();
  return r;
}

core::Result<PanelReviewState> PanelReviews::state(const Actor& actor, const std::string& key) const {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator, PrincipalKind::approver, PrincipalKind::parent_panel,
                                     PrincipalKind::operator_},
                             "read campaign reviews");
      !st) {
    return st.error();
  }
  auto rec = storage::CampaignStore(db_).find(key);
  if (!rec) return rec.error();
  return PanelReviewState{required(db_, *rec), current_reviews(db_, *rec)};
}

core::Status require_panel_review(storage::Database& db, const Actor& approver, const std::string& key) {
  auto rec = storage::CampaignStore(db).find(key);
  if (!rec || !required(db, *rec)) return {};
  for (const auto& r : current_reviews(db, *rec)) {
    if (r.reviewer != approver.name) return {};
  }
  return core::Error::conflict("campaign '" + key + "' version " + std::to_string(rec->version) +
                                   " needs a review by a parent-panel member before it is approved "
                                   "(review_by_parent_panel: true)",
                               "review");
}

}  // namespace outreach::services
