// The demo's part for issue 12 parts 2 and 3: the Rijnmond scorecard of the demo's two weeks, and
// the safety net evaluating what the demo left behind (called from cmd_demo with one line).
#include <iostream>

#include "app/commands.h"
#include "engine/safety_net.h"
#include "services/safety_net.h"
#include "services/scorecards.h"

namespace outreach::app {

void demo_scorecards_and_safety_net(AppContext& ctx, core::TimePoint start, std::ostream& out) {
  // The period runs to the end of the demo's last day, so what happened at its last moment counts.
  const core::TimePoint to = ctx.clock->now() + std::chrono::hours(24);
  out << "\n== 9. Scorecards: Rijnmond from " << core::format_utc(start) << " to the end of today (as the coordinator)\n";
  services::ScorecardRequest req{.region = "rijnmond", .from = start, .to = to};
  auto card = services::Scorecards(*ctx.db, *ctx.clock, ctx.config.engine).read(ctx.actor("amira.coordinator"), req);
  if (!card) {
    out << "refused: " << card.error().what() << "\n";
    return;
  }
  out << services::scorecard_table(*card);
  auto mine = services::Scorecards(*ctx.db, *ctx.clock, ctx.config.engine)
                  .read(ctx.actor("rotterdam.wijkteam"), {.municipality = "GM0606", .from = start, .to = to});
  out << "rotterdam.wijkteam asks for Schiedam's scorecard: " << (mine ? "shown (wrong!)" : mine.error().what()) << "\n";

  out << "\n== 10. The safety net (rules: README, The safety net)\n";
  engine::SafetyNet net(*ctx.db, *ctx.clock, ctx.config.engine);
  auto report = net.run_due(ctx.clock->now());
  out << "evaluated every municipality: " << report.raised << " flag(s) raised, " << report.routed
      << " municipality(ies) whose new cases now go elsewhere\n";
  services::SafetyNetDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto flags = desk.flags(ctx.actor("amira.coordinator"), false);
  if (flags) {
    for (const auto& f : *flags) {
      out << "  flag " << f.id << ": " << f.municipality << " " << f.rule << " -> " << f.action << "\n    evidence "
          << f.evidence << "\n";
    }
  }
  auto routes = desk.routes(ctx.actor("amira.coordinator"));
  if (routes) {
    for (const auto& r : *routes)
      out << "  new cases of " << r.municipality << " go to " << r.owner_code << " (" << r.owner_kind << ")\n";
  }
  auto back = desk.take_back(ctx.actor("rotterdam.wijkteam"), "GM0599");
  if (back) {
    out << "rotterdam.wijkteam acts again and takes its cases back: "
        << (back->route_lifted ? "new cases no longer go to " + back->was_routed_to + ", " : std::string())
        << back->cases_back.size() << " unacknowledged case(s) back, " << back->flags_cleared << " flag(s) cleared\n";
  } else {
    out << "rotterdam.wijkteam takes its cases back: " << back.error().what() << "\n";
  }
}

}  // namespace outreach::app
