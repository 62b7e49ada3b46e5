#pragma once
// The durable queue of case and escalation notices (engine/escalation_notifier.h): a notice is
// written in the transaction that moves or opens its case, so a crash cannot lose it, and waits
// here until it is delivered, retried with backoff across restarts.
//   pending -> sending -> delivered
//   sending -> pending (retry, due later) | failed (permanent, or attempts exhausted)
//   sending -> unknown (found after a crash, receiver cannot dedupe: never sent again by itself)
// Invariants:
//  1. one notice per (case, event): delivery_id ("escalation-12-escalated_hub") is unique, and a
//     second enqueue of it adds nothing;
//  2. a notice is marked `sending`, committed, before its request leaves;
//  3. after a crash, recover() makes a `sending` notice `pending` again only when its receiver
//     dedupes on the delivery id (webhooks: X-Outreach-Delivery); otherwise `unknown`.
// No personal data: the payload holds the case id, municipality and owner codes only.
//
// `db` must outlive the queue. Use from the engine's thread.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

enum class NoticeStatus { pending, sending, delivered, failed, unknown };
const char* to_string(NoticeStatus s);
core::Result<NoticeStatus> parse_notice_status(const std::string& text);

struct Notice {
  std::int64_t id = 0;
  std::string delivery_id;  // unique per (case, event)
  std::int64_t case_id = 0;
  std::string event;        // "case.opened", "case.escalated"
  std::string owner;        // who is told: a CBS code or the fallback owner's name
  std::string payload;      // the JSON "data" object
  bool receiver_dedupes = true;
  NoticeStatus status = NoticeStatus::pending;
  int attempts = 0;
  core::TimePoint due_at{};
  std::string last_error;
};

struct NoticeRecovery {
  std::int64_t requeued = 0;  // in flight at the crash, the receiver dedupes: pending again
  std::int64_t unknown = 0;   // in flight at the crash, the receiver cannot dedupe
};

class NoticeQueue {
 public:
  explicit NoticeQueue(Database& db) : db_(db) {}
  NoticeQueue(const NoticeQueue&) = delete;
  NoticeQueue& operator=(const NoticeQueue&) = delete;

  // Adds a pending notice due at `n.due_at`. Returns false when its delivery_id exists already.
  // Joins the caller's transaction when there is one.
  core::Result<bool> enqueue(const Notice& n, core::TimePoint now);
  // Pending notices due at or before `now`, oldest first.
  core::Result<std::vector<Notice>> due(core::TimePoint now, int limit) const;
  std::optional<core::TimePoint> next_due() const;

  // pending -> sending, attempts + 1, committed. Returns false when it was not pending.
  core::Result<bool> mark_sending(std::int64_t id, core::TimePoint now);
  core::Status mark_delivered(std::int64_t id, core::TimePoint now);
  core::Status mark_retry(std::int64_t id, core::TimePoint due_at, const std::string& error, core::TimePoint now);
  core::Status mark_failed(std::int64_t id, const std::string& error, core::TimePoint now);
  // Crash recovery (Requires: no other engine uses the database, storage/engine_lock.h).
  core::Result<NoticeRecovery> recover(core::TimePoint now);

  core::Result<Notice> get(const std::string& delivery_id) const;
  // Newest first; all statuses when `status` is empty.
  core::Result<std::vector<Notice>> list(std::optional<NoticeStatus> status, int limit) const;
  // The operator's decision after checking with the receiver: the given `unknown` or `failed`
  // notices become pending, due now, with their attempts reset. Returns how many changed.
  core::Result<std::int64_t> redrive(const std::vector<std::int64_t>& ids, core::TimePoint now);
  std::map<std::string, std::int64_t> count_by_status() const;

 private:
  core::Status set_status(std::int64_t id, const char* from, const char* to, const std::string& error,
                          std::optional<core::TimePoint> due_at, core::TimePoint now);
  Database& db_;
};

}  // namespace outreach::storage
