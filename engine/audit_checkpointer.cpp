#include "engine/audit_checkpointer.h"

#include <spdlog/spdlog.h>
#include <syslog.h>

#include "engine/periodic.h"
#include "net/asio.h"
#include "storage/audit_log.h"
#include "storage/database.h"

namespace outreach::engine {

AuditCheckpointer::AuditCheckpointer(storage::Database& db, const core::Clock& clock, AuditCheckpointOptions options,
                                     std::string key)
    : db_(db), clock_(clock), options_(std::move(options)), key_(std::move(key)) {}

AuditCheckpointer::~AuditCheckpointer() { stop(); }

core::Result<std::optional<storage::AuditCheckpoint>> AuditCheckpointer::run_due(core::TimePoint now) {
  if (!enabled() || now < next_due_) return std::optional<storage::AuditCheckpoint>{};
  // Due again a little before `every` has passed, so that timer jitter never skips a round.
  next_due_ = now + options_.every - options_.every / 10;
  return write_if_moved(now);
}

core::Result<std::optional<storage::AuditCheckpoint>> AuditCheckpointer::write_if_moved(core::TimePoint now) {
  if (!enabled()) return std::optional<storage::AuditCheckpoint>{};
  if (!last_read_) {
    auto last = storage::CheckpointFile(options_.file).last();
    // An unreadable last line is no reason to stop checkpointing: the next line will be good.
    if (!last) spdlog::warn("audit checkpoint: {}", last.error().what());
    else last_ = *last;
    last_read_ = true;
  }
  const storage::AuditHead head = storage::AuditLog(db_).head();
  if (head.id == 0) return std::optional<storage::AuditCheckpoint>{};
  if (last_ && last_->id == head.id && last_->hash == head.hash) return std::optional<storage::AuditCheckpoint>{};
  auto cp = write_now(now);
  if (!cp) return cp.error();
  return std::optional<storage::AuditCheckpoint>(std::move(*cp));
}

core::Result<storage::AuditCheckpoint> AuditCheckpointer::write_now(core::TimePoint now) {
  if (!enabled()) return core::Error::invalid("no checkpoint file is configured", "audit.checkpoint_file");
  storage::AuditCheckpoint cp = storage::sign_checkpoint(storage::AuditLog(db_).head(), now, key_);
  if (auto st = storage::CheckpointFile(options_.file).append(cp); !st) return st.error();
  if (options_.syslog) {
    const std::string line = storage::to_json_line(cp);
    ::syslog(LOG_AUTH | LOG_NOTICE, "outreach audit checkpoint %s", line.c_str());
  }
  last_ = cp;
  last_read_ = true;
  return cp;
}

void AuditCheckpointer::start(asio::io_context& ioc) {
  if (!enabled()) return;
  periodic_ = std::make_unique<Periodic>(ioc, options_.every, [this] {
    if (auto cp = run_due(clock_.now()); !cp) spdlog::error("audit checkpoint: {}", cp.error().what());
  });
  periodic_->start();
}

void AuditCheckpointer::stop() {
  if (periodic_) periodic_->stop();
}

}  // namespace outreach::engine
