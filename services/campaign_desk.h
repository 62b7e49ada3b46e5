#pragma once
// What coordinators and approvers do with campaigns, shared by the CLI and the HTTP API:
// validate, save (new version), preview, submit, approve (four eyes), launch, pause, resume,
// complete, cancel and status with the funnel and the campaign's page posts. Every change is checked against the lifecycle in
// campaigns/lifecycle.h and recorded with its actor.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"

namespace outreach::storage {
class Database;
class SuppressionList;
}

namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

struct PendingAudit;

struct ValidationReport {
  bool ok = false;
  std::vector<std::string> errors;    // "file:line:col: field: message"
  std::vector<std::string> warnings;
  // One line per (template, language): "first_contact nl: GSM-7, 148 chars, 1 segment"
  std::vector<std::string> sms;
  // One line per (template, language): "first_contact nl: 9.5 words/sentence, 4% long words, Flesch-Douma 72"
  std::vector<std::string> readability;
};

struct PreviewSample {
  std::int64_t contact_id = 0;
  std::string channel;
  std::string language;
  std::string subject;
  std::string text;
};

// A page post as it would be published: rendered text (no personal data), due `after` launch.
struct PostPreview {
  std::string id;
  std::string channel;
  std::string language;
  core::Millis after{0};
  std::string text;  // or why it cannot be rendered
};

struct PreviewReport {
  std::string campaign;
  int included = 0;
  int suppressed = 0;
  std::map<std::string, int> by_municipality;
  std::map<std::string, int> by_language;
  std::map<std::string, int> by_channel;
  std::map<std::string, int> suppressed_by_reason;
  std::vector<PreviewSample> samples;  // one per (first channel, language)
  std::vector<PostPreview> posts;      // in file order
  // The stored version's lint, promise and readability findings ("file:line: field: message"),
  // and one readability line per (template, language), for the approver.
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  std::vector<std::string> readability;
};

struct LaunchReport {
  std::int64_t campaign_id = 0;
  int version = 0;
  int included = 0;
  int suppressed = 0;
  std::map<std::string, int> suppressed_by_reason;
  std::int64_t rows_added = 0;  // 0 on a second launch
  std::int64_t posts_added = 0;  // page posts queued; 0 on a second launch
};

struct FunnelRow {
  int step = 0;
  std::string step_id;
  std::string channel;
  std::string status;
  std::int64_t count = 0;
};

// One page post of a campaign and where it stands (storage/post_store.h has the states).
struct PostState {
  std::string id;
  std::string channel;
  std::string status;  // queued, sending, published, failed, unknown
  core::TimePoint due_at{};
  int attempts = 0;
  std::string provider_post_id;  // the page's post id once published
  std::string reason;
};

struct CampaignStatus {
  std::int64_t id = 0;
  std::string key;
  std::string name;
  std::string state;
  int version = 0;
  std::string author;
  std::string approved_by;
  std::int64_t messages = 0;
  std::vector<FunnelRow> funnel;
  std::map<std::string, std::int64_t> by_status;
  std::vector<PostState> posts;  // page posts, apart from the outbox funnel
};

// Who may read a campaign's status, preview, funnel, changes and templates: coordinator, approver,
// parent_panel, operator. Forbidden for the others, naming `what`.
core::Status require_campaign_reader(const Actor& actor, std::string_view what);

// The campaign use cases. Every method takes the acting principal and owns its role check, its
// transaction and its audit record; the CLI and the API only authenticate, parse and format.
// Who may do what:
//   save, submit, launch            coordinator
//   approve, reject (with a reason) approver or parent_panel, never the author of the version
//   pause, resume, cancel           coordinator or operator
//   preview (names people), status  coordinator, approver, parent_panel, operator
// `db`, `clock` and `config` must outlive the desk. On a reader connection pass `pending`
// (services/audit_trail.h): preview's audit records wait there for the writer.
class CampaignDesk {
 public:
  CampaignDesk(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
               PendingAudit* pending = nullptr);
  ~CampaignDesk();

  // Parse, validate against known municipalities, regions and channels, and lint. Reads no
  // personal data, so anybody may.
  ValidationReport validate(const std::string& yaml_text, const std::string& file_name) const;
  // Validates, then stores as a new draft version (or updates the draft). Refuses invalid files.
  // `validation`, when given, receives what validate() said of the file (set whenever the actor
  // may write campaigns), so a caller that shows the findings need not validate a second time.
  core::Result<std::int64_t> save(const Actor& actor, const std::string& yaml_text, const std::string& file_name,
                                  ValidationReport* validation = nullptr);
  // Who would get what: counts, and one rendered sample per (channel, language) of a person the
  // contactability policy allows. Audited (it shows names).
  core::Result<PreviewReport> preview(const Actor& actor, const std::string& key);
  core::Status submit(const Actor& actor, const std::string& key);
  core::Status approve(const Actor& actor, const std::string& key);
  // Back to draft with the reason the author reads (required).
  core::Status reject(const Actor& actor, const std::string& key, const std::string& reason);
  core::Result<LaunchReport> launch(const Actor& actor, const std::string& key);
  core::Status pause(const Actor& actor, const std::string& key);
  core::Status resume(const Actor& actor, const std::string& key);
  core::Status cancel(const Actor& actor, const std::string& key);
  // Marks running campaigns whose outbox rows and page posts are all final as completed. Returns
  // how many. The engine's housekeeping: no role check.
  int complete_finished(const Actor& actor);
  core::Result<CampaignStatus> status(const Actor& actor, const std::string& key) const;

 private:
  core::Status transition(const Actor& actor, const std::string& key, const char* to, const std::string& note = {});

  storage::Database& db_;
  const core::Clock& clock_;
  const engine::EngineConfig& config_;
  PendingAudit* pending_;
  std::unique_ptr<storage::SuppressionList> suppression_;
};

}  // namespace outreach::services
