#pragma once
// AuditCheckpointer: writes a signed checkpoint of the audit log's head (storage/audit_checkpoint.h)
// to the checkpoint file, and optionally to syslog, whenever the head moved since the last one.
// `outreach serve` runs it on a timer (every `every`); `outreach run` and `demo` call
// write_if_moved() at their end; `outreach audit checkpoint` calls write_now().
//
// All logic is in run_due(now), which tests call with ManualClock times: it does nothing before the
// next due time, then writes when the head (id, hash) differs from the last checkpoint in the file.
// start() runs it every `every` on an engine::Periodic.
// Errors are returned (and logged by the timer); they never stop the engine.
// `db` and `clock` must outlive the checkpointer; use on one thread (the engine's io thread).

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "storage/audit_checkpoint.h"

namespace boost::asio {
class io_context;
}
namespace outreach::storage {
class Database;
}

namespace outreach::engine {

class Periodic;

struct AuditCheckpointOptions {
  std::string file;  // the JSON-lines file; empty: no checkpoints (an in-memory database)
  core::Millis every{std::chrono::minutes(1)};
  bool syslog = false;  // also log each checkpoint line to syslog (LOG_AUTH, notice)
};

class AuditCheckpointer {
 public:
  // `key` is ServerSecret::derive("audit-checkpoint").
  AuditCheckpointer(storage::Database& db, const core::Clock& clock, AuditCheckpointOptions options, std::string key);
  ~AuditCheckpointer();
  AuditCheckpointer(const AuditCheckpointer&) = delete;
  AuditCheckpointer& operator=(const AuditCheckpointer&) = delete;

  bool enabled() const { return !options_.file.empty(); }

  // When due (`every` after the previous run): write_if_moved(now). Nothing when not due.
  core::Result<std::optional<storage::AuditCheckpoint>> run_due(core::TimePoint now);
  // A checkpoint when the head moved since the last one in the file; nothing for an empty log.
  core::Result<std::optional<storage::AuditCheckpoint>> write_if_moved(core::TimePoint now);
  // A checkpoint now, whatever the head did (also of an empty log: id 0).
  core::Result<storage::AuditCheckpoint> write_now(core::TimePoint now);

  // Runs run_due every `every` on `ioc` until stop().
  void start(boost::asio::io_context& ioc);
  void stop();

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  AuditCheckpointOptions options_;
  std::string key_;
  std::optional<storage::AuditCheckpoint> last_;  // the newest checkpoint in the file, once read
  bool last_read_ = false;
  core::TimePoint next_due_{};
  std::unique_ptr<Periodic> periodic_;
};

}  // namespace outreach::engine
