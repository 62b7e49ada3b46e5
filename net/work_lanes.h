#pragma once
// Where request work runs in `serve` (app/serve_lanes.h implements it): reads on a small pool of
// reader threads with read-only connections, writes on the engine's thread with the one writing
// connection, group-committed. Shared by api/ (api/router.h) and web/ (web/page_router.h), which
// both get it from the composition root; here because both sit above net/ and neither may include
// the other.

#include <functional>

#include "core/error.h"

namespace outreach::storage {
class Database;
}

namespace outreach::net {

// A reader thread's share of the work: its own read-only connection, and a way to run more work on
// this same thread later (the next piece of a streamed answer reads through the same connection).
struct ReadLane {
  storage::Database& db;
  std::function<void(std::function<void()>)> post;
};

// Both calls return at once; the work runs later on its thread, in the order posted per thread.
class WorkLanes {
 public:
  virtual ~WorkLanes() = default;
  // On one of a small, fixed number of reader threads, each with its own read-only connection.
  virtual void read(std::function<void(ReadLane&)> work) = 0;
  // On the engine's thread, which owns the one writing connection, in a group commit
  // (storage/group_commit.h): writes posted close together share one transaction, each in a
  // savepoint of its own (`work` returning an error rolls back only its own changes). `done` runs
  // on the same thread after that transaction ended: ok only when what `work` wrote is committed,
  // so an answer given from `done` never acknowledges what a crash could lose.
  virtual void write(std::function<core::Status()> work, std::function<void(const core::Status&)> done) = 0;
  // On the engine's thread, outside any transaction (the next piece of a streamed answer).
  virtual void post(std::function<void()> work) = 0;
};

}  // namespace outreach::net
