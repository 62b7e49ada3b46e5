// `outreach posts list`: a campaign's page posts (generic texts, no personal data) with their state
// and the page's post id; and the post lines of the funnel.
#include <iomanip>
#include <iostream>

#include "app/commands.h"
#include "services/campaign_desk.h"
#include "services/redrive.h"
#include "storage/campaign_store.h"
#include "storage/post_store.h"

namespace outreach::app {

void print_posts(AppContext& ctx, const std::string& key, std::ostream& out) {
  services::CampaignDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto s = desk.status(ctx.local_operator(), key).take();
  if (s.posts.empty()) return;
  out << "  page posts (generic, no personal data):\n";
  for (const auto& p : s.posts) {
    out << "  " << std::left << std::setw(21) << p.id << std::setw(14) << p.channel << std::setw(11) << p.status
        << std::right << (p.provider_post_id.empty() ? "" : "post id " + p.provider_post_id)
        << (p.reason.empty() ? "" : "  (" + p.reason + ")") << "\n";
  }
}

int cmd_posts_list(AppContext& ctx, const std::string& campaign, const std::string& status, std::ostream& out) {
  std::optional<std::int64_t> cid;
  if (!campaign.empty()) cid = storage::CampaignStore(*ctx.db).find(campaign).take().id;
  std::optional<storage::PostStatus> only;
  if (!status.empty()) only = storage::parse_post_status(status).take();
  std::size_t n = 0;
  for (const auto& p : storage::PostStore(*ctx.db).list(cid)) {
    if (only && p.status != *only) continue;
    ++n;
    out << p.id << "  campaign " << p.campaign_id << " v" << p.campaign_version << "  " << p.post_key << "  "
        << p.channel << " [" << p.language << "]  " << storage::to_string(p.status) << "  due "
        << core::format_utc(p.due_at) << "  attempts " << p.attempts;
    if (p.published_at) out << "  published " << core::format_utc(*p.published_at);
    if (!p.provider_post_id.empty()) out << "  post id " << p.provider_post_id;
    if (!p.reason.empty()) out << "  (" << p.reason << ")";
    out << "\n    " << p.text << "\n";
  }
  out << n << " post(s)\n";
  return 0;
}

int cmd_posts_redrive(AppContext& ctx, const std::string& campaign, const std::string& post,
                      const std::string& actor, std::ostream& out) {
  auto n = services::Redrive(*ctx.db, *ctx.clock).posts(ctx.actor(actor), campaign, post).take();
  out << n << " unknown page post(s) queued again by " << actor << "\n";
  return 0;
}

}  // namespace outreach::app
