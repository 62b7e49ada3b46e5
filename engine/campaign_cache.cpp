#include "engine/campaign_cache.h"

#include "engine/audience_source.h"
#include "storage/campaign_store.h"

namespace outreach::engine {

core::Result<std::shared_ptr<const campaigns::Campaign>> CampaignCache::get(storage::Database& db,
                                                                            std::int64_t campaign_id, int version) {
  auto v = storage::CampaignStore(db).version(campaign_id, version);
  if (!v) return v.error();
  const auto key = std::make_pair(campaign_id, version);
  if (auto it = entries_.find(key); it != entries_.end() && it->second.sha256 == v->source_sha256) {
    return it->second.campaign;
  }
  ++parses_;
  auto parsed = parse_campaign_version(*v, version);
  if (!parsed) return parsed.error();
  if (entries_.size() >= kMaxEntries) entries_.clear();  // a handful of live campaigns in practice
  auto campaign = std::make_shared<const campaigns::Campaign>(std::move(*parsed));
  entries_[key] = Entry{v->source_sha256, campaign};
  return campaign;
}

}  // namespace outreach::engine
