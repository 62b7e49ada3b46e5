#pragma once
// The outbox: one row per (campaign, step, contact), created at launch and moved through
//   waiting -> queued -> sending -> sent -> delivered | read | undelivered
//   sending -> queued (retry) | failed | suppressed | skipped | expired
//   sending -> unknown (an ambiguous answer, or the lease expired after a crash; never resent
//                      automatically; `reason` says which)
//   unknown -> sent | delivered | read | undelivered (a status callback that names our reference)
//   unknown -> queued (the operator's redrive)
// Invariants:
//  1. at most one row per (campaign, step, contact): launching twice adds nothing;
//  2. a row is sent only from `sending`, which only claim_due sets, inside the transaction that
//     read it, with a lease; so a crash can leave `sending` rows but never sends one twice;
//  3. every row is in exactly one named state (the funnel adds up).
// Rows are claimed and updated in rowid order where possible, which keeps SQLite fast.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

enum class MessageStatus {
  waiting,      // a later step, not yet due: activated when the previous step is done
  queued,       // due at due_at
  sending,      // claimed by a dispatcher, lease running
  sent,         // accepted by the provider
  delivered,
  read,
  undelivered,  // the provider reported it could not be delivered
  failed,       // permanently failed on every channel of the step (reason says why)
  unknown,      // it may have reached the provider and no answer says so (reason says why): an
                // ambiguous answer, or the lease ran out while sending; never resent automatically
  skipped,      // not needed: the contact responded ("unless: responded")
  expired,      // not sent before the step's expiry
  suppressed,   // not allowed at send time: do-not-contact, consent withdrawn, erased, no address
};
const char* to_string(MessageStatus s);
core::Result<MessageStatus> parse_message_status(const std::string& text);
// Statuses that end a row's journey through the dispatcher.
bool is_final(MessageStatus s);

struct ClaimedMessage {
  std::int64_t id = 0;
  std::int64_t campaign_id = 0;
  int campaign_version = 0;
  int step = 0;
  std::int64_t contact_id = 0;
  int attempts = 0;
  std::string channel;  // channel of the previous attempt (empty on the first)
  core::TimePoint due_at{};
  std::optional<core::TimePoint> expires_at;  // not to be sent at or after this time
};

// A dispatcher's verdict on one claimed row, committed in groups by Outbox::record.
struct MessageOutcome {
  std::int64_t id = 0;
  MessageStatus status = MessageStatus::sent;
  std::string channel;
  std::string urn;
  std::string provider_id;
  std::string reason;
  int attempts = 0;
  std::optional<core::TimePoint> retry_at;  // with status queued: when to try again
  // The following step of the same (campaign, contact) becomes queued at this time.
  std::optional<core::TimePoint> next_step_due;
  std::optional<core::TimePoint> next_step_expires;
  int next_step = 0;
};

struct MessageRow {
  std::int64_t id = 0;
  std::int64_t campaign_id = 0;
  int campaign_version = 0;
  int step = 0;
  std::int64_t contact_id = 0;
  MessageStatus status = MessageStatus::queued;
  std::optional<core::TimePoint> due_at;
  std::string channel;
  std::string urn;
  int attempts = 0;
  std::string provider_id;
  std::string reason;
  std::optional<core::TimePoint> sent_at;
};

struct FunnelCell {
  int step = 0;
  std::string channel;  // empty while not attempted
  MessageStatus status = MessageStatus::queued;
  std::int64_t count = 0;
};

// The funnel cut by the contact's municipality (empty when the contact has none).
struct MunicipalFunnelCell {
  int step = 0;
  std::string channel;  // empty while not attempted
  std::string municipality;
  MessageStatus status = MessageStatus::queued;
  std::int64_t count = 0;
};

struct SandboxDelivery {
  std::int64_t id = 0;
  std::int64_t message_id = 0;
  std::string channel;
  std::string urn;
  std::string language;
  std::string subject;
  std::string body;
  core::TimePoint at{};
};

// `db` must outlive the outbox. Use from one thread (the engine strand or one CLI command).
class Outbox {
 public:
  explicit Outbox(Database& db) : db_(db) {}
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;
  Database& database() const { return db_; }

  // Adds rows for every step of the campaign for these contacts: step 0 queued at first_due, the
  // rest waiting. Rows that exist already are left alone. Returns how many rows were added.
  // Joins the caller's transaction when there is one (launch commits in batches).
  core::Result<std::int64_t> enqueue_launch(std::int64_t campaign_id, int campaign_version, int step_count,
                                            const std::vector<std::int64_t>& contact_ids,
                                            core::TimePoint first_due, core::TimePoint now,
                                            std::optional<core::TimePoint> first_expires = std::nullopt);

  // Claims up to `limit` queued rows of running campaigns due at or before `now`, highest priority
  // first, marking them sending with a lease, in one transaction.
  core::Result<std::vector<ClaimedMessage>> claim_due(core::TimePoint now, int limit, core::TimePoint lease_until);
  // Earliest due_at of a queued row of a running campaign, if any.
  std::optional<core::TimePoint> next_due() const;

  // Commits a group of outcomes in one transaction, with a delivery-log event per row. A row whose
  // contact was erased while it was sending gets its status but no address, provider id or reason.
  core::Status record(const std::vector<MessageOutcome>& outcomes, core::TimePoint now);

  // Crash recovery: sending rows whose lease ended before `now` become unknown. Returns the count.
  core::Result<std::int64_t> expire_leases(core::TimePoint now);
  // Graceful shutdown: rows this process claimed but did not start sending go back to queued.
  core::Status release(const std::vector<std::int64_t>& ids, core::TimePoint now);
  // Operator decision: unknown rows (all of a campaign, or the given ids) become queued now.
  core::Result<std::int64_t> redrive(std::optional<std::int64_t> campaign_id, const std::vector<std::int64_t>& ids,
                                     core::TimePoint now);

  // A status callback: moves a sent row forward (sent -> delivered -> read; or undelivered).
  // Returns false when no row has this provider id. Never moves a row backwards.
  core::Result<bool> apply_delivery_report(const std::string& provider_id, MessageStatus status,
                                           const std::string& reason, core::TimePoint at);

  // A status callback for a send whose answer was never recorded (an ambiguous answer, or a crash
  // between send and commit), found by our reference: the `unknown` row of (campaign, step,
  // contact) takes the report's status (sent, delivered, read or undelivered: each proves the
  // provider had it), its provider id when given, and sent_at = `at`. Returns the row as it is now
  // when it changed; nullopt when there is no such row or it is not `unknown`.
  core::Result<std::optional<MessageRow>> settle_unknown(std::int64_t campaign_id, int step, std::int64_t contact_id,
                                                         const std::string& provider_id, MessageStatus status,
                                                         const std::string& reason, core::TimePoint at);
  // The waiting step `step` of (campaign, contact) becomes queued at `due` (as record does for the
  // step after a sent one). Returns whether a row changed.
  core::Result<bool> activate_step(std::int64_t campaign_id, std::int64_t contact_id, int step, core::TimePoint due,
                                   std::optional<core::TimePoint> expires, core::TimePoint now);
  // How many `unknown` rows there are per reason, for all rows, a campaign or the given ids (the
  // same selection as redrive): what the operator is about to resend, and why it was in doubt.
  std::vector<std::pair<std::string, std::int64_t>> unknown_reasons(std::optional<std::int64_t> campaign_id,
                                                                    const std::vector<std::int64_t>& ids) const;

  std::vector<MessageRow> list(std::optional<MessageStatus> status, std::optional<std::int64_t> campaign_id,
                               int limit) const;
  core::Result<MessageRow> get(std::int64_t id) const;
  std::optional<MessageRow> find_by_provider_id(const std::string& provider_id) const;
  // The most recent message actually sent to this contact (to attach a reply to its campaign).
  std::optional<MessageRow> last_sent_to(std::int64_t contact_id) const;
  std::vector<FunnelCell> funnel(std::int64_t campaign_id) const;
  // The same counts per municipality of the contact (storage/outbox_reads.cpp).
  std::vector<MunicipalFunnelCell> funnel_by_municipality(std::int64_t campaign_id) const;
  // step -> status of one contact's rows in a campaign (none before launch).
  std::map<int, MessageStatus> statuses_of(std::int64_t campaign_id, std::int64_t contact_id) const;
  std::int64_t count(std::int64_t campaign_id) const;
  // Rows per status over every campaign ("queued" -> 120, ...); statuses with no rows are absent.
  std::map<std::string, std::int64_t> count_by_status() const;
  // (contact, sent_at) of every send since `since`, follow-ups included: seeds the per-contact
  // frequency cap.
  // The same for some contacts, plus their messages `sending` now (claimed by an engine, at their
  // claim time) other than `claimed` (the caller's batch): the cap's view when engines share the
  // database and each sends to anyone.
  void for_each_send_to(const std::vector<std::int64_t>& contact_ids, const std::vector<std::int64_t>& claimed,
                        core::TimePoint since,
                        const std::function<void(std::int64_t, core::TimePoint)>& fn) const;
  void for_each_send_since(core::TimePoint since,
                           const std::function<void(std::int64_t, core::TimePoint)>& fn) const;

  // Records nothing for a message whose contact has been erased.
  core::Status record_sandbox(const SandboxDelivery& d);
  std::vector<SandboxDelivery> sandbox(int limit, std::optional<std::int64_t> campaign_id = std::nullopt) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
