#pragma once
// What the coordinator's and the approver's pages read about a campaign, beside CampaignDesk's
// status and preview (services/campaign_desk.h), for every client:
//  - list: every campaign with its state and version;
//  - funnel: the outbox per step x channel x municipality, with the stages a reader follows
//    (in the outbox, sent, delivered, read) and the rows that stopped (failed, unknown, ...);
//  - lookup: "who gets what, and why not" for one person, found by contact id, phone or e-mail.
//    The contactability policy decides first: a person it refuses (erased, STOP, no consent,
//    do-not-contact, a suppressed address, an open error report) is answered with the reason code
//    only, never with a name, an address or a text. Audited like the preview's samples;
//  - coverage: per municipality, people known, reached, answered, cases open and SLA breaches,
//    read from the scorecards (services/scorecards.h) with the same small-count suppression;
//  - changes: what changed since the last approved version (a line diff of the YAML and a list of
//    the parts that changed: steps, channels, audience, templates, ...);
//  - templates: every template rendered with sample values (no person's data) per language and
//    channel, with its lint and readability findings and, for SMS, the segments it costs;
//  - unknown: the messages of a campaign in `unknown`, for the redrive (services/redrive.h).
// Who may read: coordinator, approver, parent_panel and operator (like CampaignDesk::status);
// the lookup names a person, so only a coordinator or operator may run it.
// `db`, `clock` and `config` must outlive the views.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "services/scorecard_suppression.h"

namespace outreach::storage {
class Database;
}
namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

struct PendingAudit;

struct CampaignSummary {
  std::string key;
  std::string name;
  std::string state;
  int version = 0;
  std::string author;
  core::TimePoint updated_at{};
};

// One (step, channel, municipality) of the funnel. The stages nest: read <= delivered <= sent <= total.
struct FunnelCellView {
  int step = 0;
  std::string step_id;
  std::string channel;  // empty while no channel was tried yet
  std::string municipality;
  std::string municipality_name;
  std::int64_t total = 0;      // rows in the outbox
  std::int64_t open = 0;       // waiting, queued, sending
  std::int64_t sent = 0;       // accepted by the provider: sent, delivered, read, undelivered
  std::int64_t delivered = 0;  // delivered, read
  std::int64_t read = 0;
  std::int64_t failed = 0;     // failed, undelivered
  std::int64_t unknown = 0;
  std::int64_t stopped = 0;    // skipped, expired, suppressed
  std::map<std::string, std::int64_t> by_status;
};

struct CampaignFunnel {
  std::string key;
  std::string name;
  std::string state;
  int version = 0;
  std::vector<std::string> step_ids;    // every step of the current version, in order
  std::vector<FunnelCellView> cells;    // by step, municipality name, channel
  std::int64_t messages = 0;
};

// One step of what a person would get.
struct LookupStep {
  int step = 0;
  std::string step_id;
  std::string channel;   // the first channel of the step the engine may use now; empty: none
  std::string language;  // the language the text is rendered in
  std::string subject;
  std::string text;
  std::string outbox_status;  // the row's status once launched; empty before
};

struct PersonLookup {
  bool found = false;            // false: no contact with that id or address
  std::int64_t contact_id = 0;   // 0 when refused or not found
  bool included = false;
  // Why not, as a code: campaigns::Suppression's names ("stopped", "no_consent", "erased",
  // "not_in_audience", ...), "suppressed_address" for an address on the suppression list, or
  // "not_found". Empty when included.
  std::string reason;
  std::string name;              // only when included
  std::string municipality;      // only when included
  std::vector<LookupStep> steps;  // only when included
};

struct CoverageRow {
  std::string code;
  std::string name;
  std::string level;  // municipality, region, national
  Cell known, reached, answered, cases_open, sla_breaches;
};

struct Coverage {
  core::TimePoint from{};
  core::TimePoint to{};
  int small_count_threshold = 5;
  std::vector<CoverageRow> rows;
};

// One line of a line diff: ' ' same, '-' only in the old text, '+' only in the new one.
struct DiffLine {
  char op = ' ';
  int old_line = 0;  // 1-based; 0 for '+'
  int new_line = 0;  // 1-based; 0 for '-'
  std::string text;
};

struct ChangeItem {
  std::string part;    // "audience", "steps", "templates", "sender", ...
  std::string what;    // "template first nl text", "step two channels"
  std::string before;  // short forms; empty when added
  std::string after;   // empty when removed
};

struct CampaignChanges {
  int version = 0;
  std::optional<int> approved_version;  // the last approved version before `version`; none: all new
  std::vector<ChangeItem> items;
  std::vector<DiffLine> diff;  // with context; whole file as '+' when there is no approved version
};

struct RenderedTemplate {
  std::string template_id;
  std::string language;
  std::string channel;  // a channel of a step that sends it, or the page of a post
  std::vector<std::string> steps;  // the step (or post) ids that use it on this channel
  std::string subject;
  std::string text;
  std::string render_error;
  // SMS only: encoding ("GSM-7", "UCS-2"), characters and parts.
  std::string sms_encoding;
  int sms_characters = 0;
  int sms_segments = 0;
  std::vector<std::string> errors;    // lint and promise findings on this template language
  std::vector<std::string> warnings;
  std::string readability;            // the readability line, when measured
};

struct UnknownMessage {
  std::int64_t id = 0;
  int step = 0;
  std::string step_id;
  std::string channel;
  int attempts = 0;
  std::string reason;
  std::optional<core::TimePoint> due_at;
};

// Lines of context kept around each change of a diff.
inline constexpr int kDiffContext = 3;

// The line diff of `before` and `after` (longest common subsequence; lines compared exactly), with
// `context` unchanged lines around each change; runs of unchanged lines beyond that are dropped.
// Pure.
std::vector<DiffLine> line_diff(const std::string& before, const std::string& after, int context = kDiffContext);

// `db`, `clock` and `config` must outlive the views. On a reader connection pass `pending`
// (services/audit_trail.h) for the reads that are audited (coverage).
class CampaignViews {
 public:
  CampaignViews(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                PendingAudit* pending = nullptr);
  ~CampaignViews();

  // Every campaign with its state and current version, by key.
  core::Result<std::vector<CampaignSummary>> list(const Actor& actor) const;
  core::Result<CampaignFunnel> funnel(const Actor& actor, const std::string& key) const;
  // `who`: a contact id ("42"), a phone number ("06 1234 5678", "+31...") or an e-mail address.
  // invalid_input (field "who") when it is none of these.
  core::Result<PersonLookup> lookup(const Actor& actor, const std::string& key, const std::string& who);
  // Every municipality in the actor's scope (coordinators: all) with the region and national totals,
  // for the period [from, to).
  core::Result<Coverage> coverage(const Actor& actor, core::TimePoint from, core::TimePoint to);
  core::Result<CampaignChanges> changes(const Actor& actor, const std::string& key) const;
  core::Result<std::vector<RenderedTemplate>> templates(const Actor& actor, const std::string& key) const;
  core::Result<std::vector<UnknownMessage>> unknown(const Actor& actor, const std::string& key, int limit = 200) const;

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  const engine::EngineConfig& config_;
  PendingAudit* pending_;
};

}  // namespace outreach::services
