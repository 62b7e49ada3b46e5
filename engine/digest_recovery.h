#pragma once
// Crash recovery for intermediary digests (storage/digest_store.h), run once when an engine starts,
// before leases are expired:
//   - a digest that was still waiting never left: its people's rows go back to `queued` (now, same
//     channel), so they are sent once, in a new digest;
//   - a digest the intermediary accepted: its people's rows become `sent` with the batch id as
//     provider id, and their next step is scheduled, as the dispatcher would have done;
//   - a digest whose request may have left without an answer: its people's rows become `unknown`
//     at once, with the batch id, so the intermediary can still report back on them and an
//     operator can ask it (`outreach messages redrive` resends on purpose).
// All in one transaction. Rows that are no longer `sending` are left alone.
//
// recover_digests requires that no other engine uses the database (storage/engine_lock.h): what is
// left over then belongs to a process that is gone. On a shared database (PostgreSQL) engines run
// beside each other, and recover_orphaned_digests recovers, by the same rules, only the members
// of engines whose session has ended (storage/engine_session.h). The leader runs it every
// few seconds (OrphanedDigests), well inside the lease, after which the rows would only be
// `unknown`.

#include <cstdint>
#include <memory>

#include "core/clock.h"
#include "core/error.h"
#include "engine/leadership.h"
#include "engine/periodic.h"

namespace boost::asio {
class io_context;
}
namespace outreach::storage {
class Database;
}

namespace outreach::engine {

struct DigestRecoveryReport {
  std::int64_t requeued = 0;  // waiting digests: queued again
  std::int64_t sent = 0;      // accepted digests: recorded sent
  std::int64_t unknown = 0;   // digests in flight: unknown, with the batch id
  std::int64_t total() const { return requeued + sent + unknown; }
};

core::Result<DigestRecoveryReport> recover_digests(storage::Database& db, core::TimePoint now);
core::Result<DigestRecoveryReport> recover_orphaned_digests(storage::Database& db, core::TimePoint now);

// Runs recover_orphaned_digests every `interval` while this engine leads. `db`, `clock` and
// `leadership` must outlive it; use on the engine's thread.
class OrphanedDigests {
 public:
  OrphanedDigests(boost::asio::io_context& ioc, storage::Database& db, const core::Clock& clock,
                  const Leadership& leadership, core::Millis interval);
  ~OrphanedDigests();
  void start();
  void stop();

 private:
  std::unique_ptr<Periodic> periodic_;
};

}  // namespace outreach::engine
