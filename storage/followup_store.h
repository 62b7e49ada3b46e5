#pragma once
// Follow-ups: the one "did it help?" question per case (issue 12 part 1), as the engine sends it
// and the person answers it.
//   pending -> sent -> answered
//   pending -> skipped (skip_reason: the contactability policy's refusal, no channel, ...)
// While pending, `delivery` tracks a send on the wire, as the outbox does for messages:
//   NULL -> sending (lease, committed before the request leaves) -> NULL (retry later) | sent
//   sending -> unknown (an ambiguous answer, or the lease ran out after a crash): never resent by
//   the engine; a reply from the person proves it arrived and is recorded as the answer.
// Invariants:
//  1. at most one follow-up per case (UNIQUE case_id): a second schedule() adds nothing;
//  2. a follow-up is sent only from a claim (mark_sending) committed before the send;
//  3. `comment` is the person's free reply: personal data, erased with the person
//     (ContactStore::erase).
// `db` must outlive the store. Use from one thread (the engine's, or one CLI command).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct Followup {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::int64_t contact_id = 0;
  std::string municipality;  // the case's CBS code
  std::string reason;        // closed, stalled
  std::string status;        // pending, sent, answered, skipped
  std::string skip_reason;
  std::string channel;
  std::string provider_id;
  std::string delivery;         // "", sending, unknown
  std::string delivery_reason;  // why a send is in doubt, or waits (send window, frequency cap, retry)
  int attempts = 0;
  core::TimePoint due_at{};
  core::TimePoint created_at{};
  std::optional<core::TimePoint> sent_at;
  std::optional<core::TimePoint> answered_at;
  std::optional<int> score;  // 1 (not at all) .. 5 (very much)
  std::string comment;
  std::optional<core::TimePoint> reopened_at;
};

class FollowupStore {
 public:
  explicit FollowupStore(Database& db) : db_(db) {}
  FollowupStore(const FollowupStore&) = delete;
  FollowupStore& operator=(const FollowupStore&) = delete;

  // Schedules the case's follow-up, pending at `due_at`. Returns its id, or nullopt when the case
  // has one already (whatever its state). Joins the caller's transaction when there is one.
  core::Result<std::optional<std::int64_t>> schedule(std::int64_t case_id, std::int64_t contact_id,
                                                     const std::string& municipality, const std::string& reason,
                                                     core::TimePoint due_at, core::TimePoint now);

  // Pending follow-ups due at or before `now` with no send on the wire, earliest first.
  std::vector<Followup> due(core::TimePoint now, int limit) const;
  std::optional<core::TimePoint> next_due() const;
  // pending, not on the wire -> delivery sending with a lease, attempts + 1. Committed. Returns
  // false when the row was not in that state (claimed elsewhere, skipped meanwhile).
  core::Result<bool> mark_sending(std::int64_t id, const std::string& channel, core::TimePoint lease_until,
                                  core::TimePoint now);
  // On the wire -> sent.
  core::Status mark_sent(std::int64_t id, const std::string& provider_id, core::TimePoint at);
  // Stays pending, due again at `due_at` (off the wire): a retry, the send window, the frequency cap.
  core::Status defer(std::int64_t id, core::TimePoint due_at, const std::string& reason);
  // On the wire -> unknown (never resent by the engine).
  core::Status mark_unknown(std::int64_t id, const std::string& reason);
  // pending -> skipped with the reason.
  core::Status mark_skipped(std::int64_t id, const std::string& reason);
  // Crash recovery: sends whose lease ended before `now` become unknown. Returns how many.
  core::Result<std::int64_t> expire_leases(core::TimePoint now);

  // The follow-up a reply from this contact answers: the latest one sent at or after `since`
  // (status sent, or pending with delivery unknown: the reply proves it arrived).
  std::optional<Followup> awaiting_answer(std::int64_t contact_id, core::TimePoint since) const;
  // -> answered with the score (if any) and the free text. Joins the caller's transaction.
  core::Status record_answer(std::int64_t id, std::optional<int> score, const std::string& comment,
                             core::TimePoint at);
  core::Status mark_reopened(std::int64_t id, core::TimePoint at);

  // When this contact was sent anything since `since`: campaign messages and follow-ups (the
  // frequency cap counts both).
  std::vector<core::TimePoint> sends_to(std::int64_t contact_id, core::TimePoint since) const;

  core::Result<Followup> get(std::int64_t id) const;
  std::optional<Followup> for_case(std::int64_t case_id) const;
  // Newest first, at most `limit`.
  std::vector<Followup> for_municipality(const std::string& code, int limit) const;
  // Cases acknowledged at or before `before` and still only acknowledged, with no follow-up yet:
  // the "stalled" ones. Oldest first, at most `limit`.
  std::vector<std::int64_t> stalled_cases(core::TimePoint before, int limit) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
