#pragma once
// Where `serve` runs API work (api::WorkLanes): reads on a small, fixed pool of reader threads, each
// with its own read-only SQLite connection (WAL lets them read the last committed state while the
// one writer writes), and everything that writes on the engine's io_context thread, which owns the
// writing connection. Writes are group-committed there (storage::GroupCommit): whatever was posted
// while the previous batch ran goes into the next transaction, up to GroupCommit::kMaxBatch, and
// the engine's own work (dispatcher, timers) runs between batches. Batches start at least
// kCommitPacing (5 ms) apart, since each commit costs every reader connection its page cache.
// Work is queued per reader thread (bounded in practice by the number of open HTTP connections:
// one request each at a time); a reader takes the next item of its own queue.
//
// Lifetime: the writer io_context must outlive the lanes. The destructor stops the readers after
// the work they are running and drops what is still queued, so stop the HTTP server first.

#include <chrono>
#include <memory>
#include <string>

#include "api/context.h"
#include "core/error.h"
#include "storage/group_commit.h"

namespace boost::asio {
class io_context;
}

namespace outreach::storage {
class Database;
}

namespace outreach::app {

class ServeLanes final : public api::WorkLanes {
 public:
  // Opens `readers` (>= 1) read-only connections to the database file and starts their threads.
  // `writer_db` is the writing connection, owned by `writer`'s thread; both must outlive the lanes.
  // Batches of posted writes start at least `commit_pacing` apart (see schedule_drain()).
  static core::Result<std::unique_ptr<ServeLanes>> start(const std::string& db_path, int readers,
                                                         boost::asio::io_context& writer, storage::Database& writer_db,
                                                         std::chrono::microseconds commit_pacing = kCommitPacing);
  static constexpr std::chrono::microseconds kCommitPacing{5000};
  ~ServeLanes() override;
  ServeLanes(const ServeLanes&) = delete;
  ServeLanes& operator=(const ServeLanes&) = delete;

  void read(std::function<void(api::ReadLane&)> work) override;
  void write(std::function<core::Status()> work, std::function<void(const core::Status&)> done) override;
  void post(std::function<void()> work) override;

 private:
  struct Reader;
  ServeLanes(boost::asio::io_context& writer, storage::Database& writer_db, std::chrono::microseconds commit_pacing);
  void schedule_drain();  // on the writer's thread
  void drain();

  boost::asio::io_context& writer_;
  storage::Database& writer_db_;
  storage::GroupCommit writes_;
  const std::chrono::microseconds commit_pacing_;
  struct Pacing;  // the writer thread's own: when the last batch committed, the timer of the next
  std::unique_ptr<Pacing> pacing_;
  std::vector<std::unique_ptr<Reader>> readers_;
};

}  // namespace outreach::app
