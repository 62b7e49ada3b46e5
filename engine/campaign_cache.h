#pragma once
// Parsed campaign versions, kept so that a path that needs the campaign for every message (an
// inbound reply, a status callback settling a row) does not parse its YAML every time. A stored
// version is looked up on every call (one indexed read) and its text's SHA-256 compared, so a
// draft edited in place is parsed anew; nothing stale is ever returned.
// Not thread-safe: one cache per component, used on that component's thread (the engine's).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "campaigns/campaign.h"
#include "core/error.h"

namespace outreach::storage {
class Database;
}

namespace outreach::engine {

class CampaignCache {
 public:
  static constexpr std::size_t kMaxEntries = 64;

  // The parsed campaign of that stored version (errors as load_campaign_version's).
  core::Result<std::shared_ptr<const campaigns::Campaign>> get(storage::Database& db, std::int64_t campaign_id,
                                                               int version);
  std::size_t parses() const { return parses_; }  // how often YAML was parsed (tests)

 private:
  struct Entry {
    std::string sha256;
    std::shared_ptr<const campaigns::Campaign> campaign;
  };
  std::map<std::pair<std::int64_t, int>, Entry> entries_;
  std::size_t parses_ = 0;
};

}  // namespace outreach::engine
