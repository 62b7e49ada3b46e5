// `outreach notices list|redrive`: the durable queue of case and escalation notices
// (storage/notice_queue.h). Notices hold case ids and municipality codes only, no personal data.
#include <ostream>

#include "app/commands.h"
#include "services/redrive.h"
#include "storage/notice_queue.h"

namespace outreach::app {

int cmd_notices_list(AppContext& ctx, const std::string& status, int limit, std::ostream& out) {
  std::optional<storage::NoticeStatus> only;
  if (!status.empty()) only = storage::parse_notice_status(status).take();
  auto rows = storage::NoticeQueue(*ctx.db).list(only, limit).take();
  for (const auto& n : rows) {
    out << n.id << "  case " << n.case_id << "  " << n.event << " -> " << n.owner << "  " << storage::to_string(n.status)
        << "  attempts " << n.attempts << "  due " << core::format_utc(n.due_at)
        << (n.last_error.empty() ? "" : "  (" + n.last_error + ")") << "\n";
  }
  out << rows.size() << " notice(s)\n";
  return 0;
}

int cmd_notices_redrive(AppContext& ctx, const std::vector<std::int64_t>& ids, const std::string& actor,
                        std::ostream& out) {
  auto n = services::Redrive(*ctx.db, *ctx.clock).notices(ctx.actor(actor), ids).take();
  out << n << " notice(s) queued again by " << actor << "\n";
  return 0;
}

}  // namespace outreach::app
