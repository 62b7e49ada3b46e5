#pragma once
// `outreach scorecard` and `outreach safety-net ...` (issue 12 parts 2 and 3): registered on the
// CLI by add_scorecard_commands; each command authenticates with --as, calls a service and prints.

#include <functional>
#include <ostream>

namespace CLI {
class App;
}

namespace outreach::app {

struct AppContext;

// Adds the subcommands to `cli`; the chosen one sets `run`. `ctx` and `out` must outlive `cli`.
void add_scorecard_commands(CLI::App& cli, AppContext& ctx, std::function<int()>& run, std::ostream& out);

}  // namespace outreach::app
