#include "app/followup_commands.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iomanip>

#include "app/app_context.h"
#include "core/json_text.h"
#include "services/followups.h"
#include "services/panel_reviews.h"

namespace outreach::app {
namespace {

std::string opt_time(const std::optional<core::TimePoint>& t) { return t ? core::format_utc(*t) : std::string(); }

int followups_list(AppContext& ctx, std::int64_t case_id, const std::string& municipality, int limit, bool json,
                   const std::string& as, std::ostream& out) {
  if ((case_id > 0) == !municipality.empty()) {
    throw core::ErrorException(core::Error::invalid("give either --case ID or --municipality CODE", "--case"));
  }
  services::Followups service(*ctx.db, *ctx.clock, ctx.config.engine);
  const services::Actor actor = ctx.actor(as);
  auto rows = case_id > 0 ? service.for_case(actor, case_id).take()
                          : service.for_municipality(actor, municipality, limit).take();
  if (json) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const auto& f : rows) {
      items.push_back({{"id", f.id}, {"case_id", f.case_id}, {"municipality", f.municipality}, {"reason", f.reason},
                       {"status", f.status}, {"skip_reason", f.skip_reason}, {"delivery", f.delivery},
                       {"channel", f.channel}, {"due_at", core::format_utc(f.due_at)}, {"sent_at", opt_time(f.sent_at)},
                       {"answered_at", opt_time(f.answered_at)},
                       {"score", f.score ? nlohmann::ordered_json(*f.score) : nlohmann::ordered_json(nullptr)},
                       {"comment", f.comment}, {"reopened_at", opt_time(f.reopened_at)}});
    }
    out << core::json_text(nlohmann::ordered_json{{"items", items}}) << "\n";
    return 0;
  }
  for (const auto& f : rows) {
    out << std::left << std::setw(6) << f.id << " case " << std::setw(6) << f.case_id << std::setw(8) << f.reason
        << std::setw(9) << f.status << std::setw(9) << (f.channel.empty() ? "-" : f.channel)
        << (f.score ? "score " + std::to_string(*f.score) : std::string("score -")) << "  "
        << (f.status == "skipped" ? "(" + f.skip_reason + ")" : f.delivery == "unknown" ? "(delivery unknown)" : "")
        << (f.reopened_at ? " reopened" : "") << (f.comment.empty() ? "" : "  \"" + f.comment + "\"") << "\n";
  }
  out << rows.size() << " follow-up(s)\n";
  return 0;
}

}  // namespace

void add_followup_commands(CLI::App& cli, CLI::App& campaign, AppContext& ctx, std::function<int()>& run,
                           std::string& actor, std::ostream& out) {
  auto on = [&run](CLI::App* c, std::function<int()> f) { c->callback([&run, f] { run = f; }); };
  // Option values live as long as the parse and the run: statics, one command per process.
  static std::int64_t case_id = 0;
  static std::string municipality, name, comment, key;
  static int limit = 100;
  static bool json = false;

  auto* followups = cli.add_subcommand("followups", "\"did it help?\": one question per case, and the answers")
                        ->require_subcommand(1);
  auto* list = followups->add_subcommand("list", "the follow-ups of a case or a municipality (scoped, audited)");
  list->add_option("--case", case_id, "a case id");
  list->add_option("--municipality", municipality, "a CBS code (GM0599)");
  list->add_option("--limit", limit)->capture_default_str();
  list->add_flag("--json", json);
  list->add_option("--as", actor, "the principal doing this (recorded and checked)");
  on(list, [&ctx, &actor, &out] { return followups_list(ctx, case_id, municipality, limit, json, actor, out); });

  auto* cases = cli.add_subcommand("cases", "cases of residents")->require_subcommand(1);
  auto* handler = cases->add_subcommand("handler", "name the person handling a case (residents see the name)");
  handler->add_option("ID", case_id)->required();
  handler->add_option("NAME", name, "e.g. Fatima; \"\" clears it")->required();
  handler->add_option("--as", actor, "the principal doing this (recorded and checked)");
  on(handler, [&ctx, &actor, &out] {
    auto c = services::Followups(*ctx.db, *ctx.clock, ctx.config.engine).name_handler(ctx.actor(actor), case_id, name).take();
    out << "case " << c.id << ": " << (c.handler_name.empty() ? "no handler named" : "handler " + c.handler_name) << "\n";
    return 0;
  });

  auto* review = campaign.add_subcommand("review", "a parent-panel member comments on the submitted version");
  review->add_option("KEY", key)->required();
  review->add_option("--comment", comment)->required();
  review->add_option("--as", actor, "the principal doing this (recorded and checked)");
  on(review, [&ctx, &actor, &out] {
    auto r = services::PanelReviews(*ctx.db, *ctx.clock).review(ctx.actor(actor), key, comment).take();
    out << "review recorded on " << key << " version " << r.version << " by " << r.reviewer << "\n";
    return 0;
  });
}

void print_panel_review(AppContext& ctx, const std::string& key, std::ostream& out) {
  auto s = services::PanelReviews(*ctx.db, *ctx.clock).state(ctx.local_operator(), key);
  if (!s || (!s->required && s->reviews.empty())) return;
  out << "parent panel review: " << (s->required ? "required" : "not required") << "; " << s->reviews.size()
      << " comment(s) on this version\n";
  for (const auto& r : s->reviews) out << "  " << core::format_utc(r.at) << "  " << r.reviewer << ": " << r.comment << "\n";
}

nlohmann::ordered_json panel_review_ordered_json(AppContext& ctx, const std::string& key) {
  nlohmann::ordered_json j = {{"required", false}, {"items", nlohmann::ordered_json::array()}};
  auto s = services::PanelReviews(*ctx.db, *ctx.clock).state(ctx.local_operator(), key);
  if (!s) return j;
  j["required"] = s->required;
  for (const auto& r : s->reviews) {
    j["items"].push_back({{"reviewer", r.reviewer}, {"version", r.version}, {"comment", r.comment},
                          {"at", core::format_utc(r.at)}});
  }
  return j;
}

}  // namespace outreach::app
