#pragma once
// CLI commands for listening back (issue 12 parts 1 and 5), registered by main with one call:
//   outreach followups list (--case ID | --municipality CODE) [--limit N] [--json] --as NAME
//   outreach cases handler ID NAME --as NAME          (an empty NAME clears it)
//   outreach campaign review KEY --comment TEXT --as NAME   (a parent-panel member)
// and the panel's review in `outreach campaign status` (print_panel_review). Each parses, calls one
// service (services/followups.h, services/panel_reviews.h) and formats.

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace outreach::app {

struct AppContext;

// `campaign` is the `outreach campaign` subcommand; `run` receives the chosen command; `actor`
// is main's --as value. All must outlive parsing and running.
void add_followup_commands(CLI::App& cli, CLI::App& campaign, AppContext& ctx, std::function<int()>& run,
                           std::string& actor, std::ostream& out);

// "parent panel review: required; 1 comment(s)" and the comments, for the approver.
void print_panel_review(AppContext& ctx, const std::string& key, std::ostream& out);
// The same as JSON ({"required", "items"}), for `campaign status --json`.
nlohmann::ordered_json panel_review_ordered_json(AppContext& ctx, const std::string& key);

}  // namespace outreach::app
