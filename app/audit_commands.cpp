// The audit log's commands: verify (the hash chain, and with --checkpoint the signed checkpoints),
// checkpoint (write one now), and the checkpoint the engine commands write when they end.
#include <memory>
#include <ostream>

#include "app/commands.h"
#include "engine/audit_checkpointer.h"
#include "storage/audit_checkpoint.h"
#include "storage/audit_log.h"

namespace outreach::app {

std::unique_ptr<engine::AuditCheckpointer> make_audit_checkpointer(AppContext& ctx) {
  return std::make_unique<engine::AuditCheckpointer>(*ctx.db, *ctx.clock, ctx.config.audit,
                                                     ctx.secret->derive("audit-checkpoint"));
}

void checkpoint_audit_log(AppContext& ctx, engine::AuditCheckpointer& checkpointer, std::ostream& out) {
  auto cp = checkpointer.write_if_moved(ctx.clock->now());
  if (!cp) {
    out << "audit checkpoint not written: " << cp.error().what() << "\n";
  } else if (*cp) {
    out << "audit checkpoint: record " << (*cp)->id << " signed into " << ctx.config.audit.file << "\n";
  }
}

int cmd_audit_checkpoint(AppContext& ctx, std::ostream& out) {
  auto checkpointer = make_audit_checkpointer(ctx);
  auto cp = checkpointer->write_now(ctx.clock->now()).take();
  out << "audit checkpoint: record " << cp.id << " (" << cp.count << " records, hash " << cp.hash.substr(0, 16)
      << "...) signed into " << ctx.config.audit.file << "\n";
  return 0;
}

int cmd_audit_verify(AppContext& ctx, const std::string& checkpoint_file, std::ostream& out) {
  storage::AuditLog log(*ctx.db);
  log.verify().take();
  const storage::AuditHead head = log.head();
  out << "audit log intact: " << head.count << " records, hash chain verified";
  if (checkpoint_file.empty()) {
    out << "\n";
    return 0;
  }
  auto report = storage::verify_checkpoints(log, checkpoint_file, ctx.secret->derive("audit-checkpoint"));
  if (!report) {
    out << "\n";
    throw core::ErrorException(report.error());
  }
  const storage::AuditCheckpoint& newest = *report->newest;
  out << "; " << report->checkpoints << " signed checkpoint(s) verified, the newest of record " << newest.id << " at "
      << core::format_utc(newest.at);
  if (head.id > newest.id) out << " (" << head.id - newest.id << " newer record(s) are covered by the chain only)";
  out << "\n";
  return 0;
}

}  // namespace outreach::app
