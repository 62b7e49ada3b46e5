#pragma once
// `outreach migrate --to postgresql://...` (app/migrate_command.cpp): copies the configured SQLite
// database into an empty PostgreSQL one (storage/database_copy.h).

#include <functional>
#include <ostream>
#include <string>

#include "app/app_context.h"

namespace CLI {
class App;
}

namespace outreach::app {

// Copies ctx's SQLite database (--db or the configuration's `database:`, not migrated: it must be
// at the latest schema version) into the PostgreSQL database at `to`, then prints the rows per
// table, the audit chain's verification and what to put in the configuration. Throws
// core::ErrorException; nothing is left in the target on failure. Never prints the URL's password.
int cmd_migrate(AppContext& ctx, const std::string& to, std::ostream& out);

// Registers `migrate`; when it is chosen, sets `run` and clears `open_database` (the command opens
// its two databases itself: the source read-only and unmigrated).
void add_migrate_command(CLI::App& cli, AppContext& ctx, std::function<int()>& run, bool& open_database,
                         std::ostream& out);

}  // namespace outreach::app
