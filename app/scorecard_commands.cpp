// `outreach scorecard` and `outreach safety-net flags|routes|take-back|delegate|check`.
#include "app/scorecard_commands.h"

#include <CLI/CLI.hpp>

#include <iomanip>
#include <memory>

#include "app/app_context.h"
#include "engine/safety_net.h"
#include "services/safety_net.h"
#include "services/scorecards.h"

namespace outreach::app {

namespace {

struct Args {
  std::string actor, municipality, region, from, to, format = "table";
  bool all = false;
  bool include_cleared = false;
};

int cmd_scorecard(AppContext& ctx, const Args& a, std::ostream& out) {
  services::ScorecardRequest req{.municipality = a.municipality, .region = a.region, .all = a.all};
  if (auto st = services::parse_scorecard_period(a.from, a.to, ctx.clock->now(), req); !st)
    throw core::ErrorException(st.error());
  auto card = services::Scorecards(*ctx.db, *ctx.clock, ctx.config.engine).read(ctx.actor(a.actor), req).take();
  if (a.format == "csv") out << services::scorecard_csv(card);
  else if (a.format == "json") out << services::scorecard_json(card) << "\n";
  else out << services::scorecard_table(card);
  return 0;
}

void print_flag(const storage::SafetyFlag& f, std::ostream& out) {
  out << "  flag " << f.id << "  " << f.municipality << "  " << std::left << std::setw(24) << f.rule << std::right
      << " " << f.action << "  raised " << core::format_utc(f.raised_at) << "  checked "
      << core::format_utc(f.checked_at);
  if (f.cleared_at) out << "  cleared " << core::format_utc(*f.cleared_at) << " by " << f.cleared_by << " (" << f.cleared_reason << ")";
  out << "\n    evidence " << f.evidence << "\n";
}

int cmd_flags(AppContext& ctx, const Args& a, std::ostream& out) {
  services::SafetyNetDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto flags = desk.flags(ctx.actor(a.actor), a.include_cleared).take();
  out << flags.size() << " safety-net flag(s)" << (a.include_cleared ? "" : " open") << "\n";
  for (const auto& f : flags) print_flag(f, out);
  return 0;
}

int cmd_routes(AppContext& ctx, const Args& a, std::ostream& out) {
  services::SafetyNetDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto routes = desk.routes(ctx.actor(a.actor)).take();
  out << routes.size() << " municipality(ies) whose new cases go elsewhere\n";
  for (const auto& r : routes) {
    out << "  " << r.municipality << " -> " << r.owner_code << " (" << r.owner_kind << ", " << r.reason
        << ") since " << core::format_utc(r.set_at) << " by " << r.set_by << "\n";
  }
  return 0;
}

int cmd_take_back(AppContext& ctx, const Args& a, std::ostream& out) {
  services::SafetyNetDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto r = desk.take_back(ctx.actor(a.actor), a.municipality).take();
  out << a.municipality << " takes its cases back: "
      << (r.route_lifted ? "new cases no longer go to " + r.was_routed_to + "; " : std::string("no route was set; "))
      << r.cases_back.size() << " case(s) nobody had acknowledged are back with " << a.municipality << ", "
      << r.flags_cleared << " flag(s) cleared\n";
  return 0;
}

int cmd_delegate(AppContext& ctx, const Args& a, std::ostream& out) {
  services::SafetyNetDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto r = desk.delegate(ctx.actor(a.actor), a.municipality).take();
  out << "new cases of " << r.municipality << " go to its regional hub " << r.owner_code
      << " from now on (take them back with `safety-net take-back`)\n";
  return 0;
}

int cmd_check(AppContext& ctx, std::ostream& out) {
  engine::SafetyNet net(*ctx.db, *ctx.clock, ctx.config.engine);
  auto r = net.run_due(ctx.clock->now());
  out << "safety net: " << r.raised << " flag(s) raised, " << r.refreshed << " still holding, " << r.cleared
      << " cleared, " << r.routed << " municipality(ies) routed, " << r.delegated << " delegation(s) applied"
      << (r.failed ? ", " + std::to_string(r.failed) + " failed (see the log)" : std::string()) << "\n";
  return r.failed ? 1 : 0;
}

}  // namespace

void add_scorecard_commands(CLI::App& cli, AppContext& ctx, std::function<int()>& run, std::ostream& out) {
  auto a = std::make_shared<Args>();
  auto on = [&run](CLI::App* c, std::function<int()> f) { c->callback([&run, f] { run = f; }); };
  auto* sc = cli.add_subcommand("scorecard", "municipality scorecards for a period (small counts suppressed)");
  auto* scope = sc->add_option_group("scope", "whose scorecard");
  scope->add_option("--municipality", a->municipality, "CBS code, e.g. GM0599");
  scope->add_option("--region", a->region, "region code, e.g. rijnmond (its municipalities and its total)");
  scope->add_flag("--all", a->all, "every municipality, region and the national total");
  scope->require_option(1);
  sc->add_option("--from", a->from, "start, YYYY-MM-DD or UTC time (default: 30 days before --to)");
  sc->add_option("--to", a->to, "end, YYYY-MM-DD (that whole day) or UTC time (default: now)");
  sc->add_option("--format", a->format, "table, csv or json")->capture_default_str()->check(CLI::IsMember({"table", "csv", "json"}));
  sc->add_option("--as", a->actor, "the principal reading it (scope and audit)");
  on(sc, [&ctx, a, &out] { return cmd_scorecard(ctx, *a, out); });

  auto* net = cli.add_subcommand("safety-net", "flags, routes and take-backs of the safety net")->require_subcommand(1);
  auto* flags = net->add_subcommand("flags", "the flags with their evidence (national team, regional hubs)");
  flags->add_flag("--all", a->include_cleared, "also cleared flags");
  flags->add_option("--as", a->actor, "the principal reading them");
  on(flags, [&ctx, a, &out] { return cmd_flags(ctx, *a, out); });
  auto* routes = net->add_subcommand("routes", "municipalities whose new cases go to their hub or the fallback");
  routes->add_option("--as", a->actor, "the principal reading them");
  on(routes, [&ctx, a, &out] { return cmd_routes(ctx, *a, out); });
  auto* back = net->add_subcommand("take-back", "the municipality acts again: its new and unacknowledged cases come back");
  back->add_option("--municipality", a->municipality, "CBS code")->required();
  back->add_option("--as", a->actor, "the municipality itself, a coordinator or the national fallback");
  on(back, [&ctx, a, &out] { return cmd_take_back(ctx, *a, out); });
  auto* del = net->add_subcommand("delegate", "send the municipality's new cases to its regional hub");
  del->add_option("--municipality", a->municipality, "CBS code")->required();
  del->add_option("--as", a->actor, "the municipality itself or a coordinator");
  on(del, [&ctx, a, &out] { return cmd_delegate(ctx, *a, out); });
  on(net->add_subcommand("check", "evaluate the rules now (serve does it every safety_net.every)"),
     [&ctx, &out] { return cmd_check(ctx, out); });
}

}  // namespace outreach::app
