#pragma once
// The people waiting in intermediary digests (engine/intermediary_sender.h), kept in the database
// so that a crash does not leave them in doubt. A member row holds outbox ids and the digest's
// batch id only, never personal data, and records how far its digest got:
//   waiting  the digest has not been sent: nobody outside knows of it, so it is safe to queue again;
//   sending  the digest's request may have left: whether the intermediary has it is unknown;
//   sent     the intermediary accepted it (the outbox row may not have been recorded yet).
// Invariants:
//  1. a digest is marked `sending` and committed before its request leaves (IntermediarySender);
//  2. a member row speaks for its message only while the message is `sending` under the claim it
//     joined with (the same lease_until): left_over() says whether it still does (`current`), so a
//     row left behind by a lease that expired or a row released cannot act on a later claim;
//  3. Outbox::record deletes the member row of an intermediary outcome in the transaction that
//     records it; recovery at start-up empties the table;
//  4. on a shared database a member row names the engine session that gathers it (the writing
//     connection's, storage/engine_session.h), and only that session's end lets another engine
//     recover it.
//
// `db` must outlive the store. Use from the engine's thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

enum class DigestState { waiting, sending, sent };
const char* to_string(DigestState s);

// A member row joined with its outbox row, as left by a previous run.
struct DigestMember {
  std::int64_t message_id = 0;
  std::string intermediary;  // key
  std::string channel;       // the campaign channel the digest went through
  std::string batch_id;
  DigestState state = DigestState::waiting;
  // From the outbox row:
  bool current = false;  // still `sending` under the claim it joined with
  std::string message_status;
  std::int64_t campaign_id = 0;
  int campaign_version = 0;
  int step = 0;
  int attempts = 0;
};

class DigestStore {
 public:
  explicit DigestStore(Database& db) : db_(db) {}
  DigestStore(const DigestStore&) = delete;
  DigestStore& operator=(const DigestStore&) = delete;

  // A person's message joins a waiting digest (joins the caller's transaction when there is one).
  core::Status join(std::int64_t message_id, const std::string& intermediary, const std::string& channel,
                    const std::string& batch_id, core::TimePoint now);
  // Every member of the batch moves to `state`, in one transaction that commits before it returns.
  core::Status mark(const std::string& batch_id, DigestState state, core::TimePoint now);
  // The digest failed (the dispatcher decides what its people get next): its members are dropped.
  core::Status forget(const std::string& batch_id);
  // Every member row, oldest first: what a previous run left behind; with `engine`, only the rows
  // that engine session gathered.
  core::Result<std::vector<DigestMember>> left_over(std::optional<std::int32_t> engine = std::nullopt) const;
  // The engine sessions that have member rows (none on a single engine's database).
  core::Result<std::vector<std::int32_t>> engines() const;
  std::int64_t count() const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
