#pragma once
// Campaigns and their versions. A campaign's source (the YAML text) is stored per version, so what
// was approved is exactly what was sent. Invariants:
//  1. saving changed text for an approved or paused campaign creates version N+1 in state draft,
//     which needs approval again; a running campaign must be paused before it can change;
//  2. every state change is recorded in campaign_events with its actor.
// Which transitions are allowed is decided by campaigns::check_transition, not here.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct CampaignRecord {
  std::int64_t id = 0;
  std::string key;
  std::string name;
  std::string state;  // campaigns::CampaignState as text
  int version = 1;
  std::string author;  // author of the current version
  core::TimePoint created_at{};
  core::TimePoint updated_at{};
  std::optional<core::TimePoint> launched_at;
};

struct CampaignVersion {
  std::int64_t campaign_id = 0;
  int version = 0;
  std::string source_path;
  std::string source_text;
  std::string source_sha256;
  std::string author;
  core::TimePoint created_at{};
  std::string submitted_by;
  std::string approved_by;
  std::optional<core::TimePoint> approved_at;
};

struct SaveOutcome {
  CampaignRecord campaign;
  bool new_version = false;  // false when the text was unchanged
};

// `db` must outlive the store.
class CampaignStore {
 public:
  explicit CampaignStore(Database& db) : db_(db) {}
  CampaignStore(const CampaignStore&) = delete;
  CampaignStore& operator=(const CampaignStore&) = delete;

  core::Result<SaveOutcome> save(const std::string& key, const std::string& name, const std::string& source_path,
                                 const std::string& source_text, const std::string& author, core::TimePoint now);
  core::Result<CampaignRecord> get(std::int64_t id) const;
  core::Result<CampaignRecord> find(const std::string& key) const;
  core::Result<CampaignVersion> version(std::int64_t campaign_id, int version) const;
  std::vector<CampaignRecord> list() const;
  // Records the new state (already checked by the caller) with actor and note.
  core::Status set_state(std::int64_t id, const std::string& from, const std::string& to, const std::string& actor,
                         core::TimePoint now, const std::string& note = {});

 private:
  Database& db_;
};

}  // namespace outreach::storage
