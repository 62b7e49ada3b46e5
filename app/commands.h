#pragma once
// The implementation of each `outreach` subcommand. Each returns the process exit code and throws
// core::ErrorException for bad input or refused actions (main prints it and exits 1).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/app_context.h"
#include "storage/error_report_store.h"

namespace outreach::engine {
class AuditCheckpointer;
}
namespace CLI {
class App;
}

namespace outreach::app {

int cmd_init(AppContext& ctx, std::ostream& out);
int cmd_municipalities_load(AppContext& ctx, const std::string& municipalities, const std::string& regions, std::ostream& out);
int cmd_contacts_import(AppContext& ctx, const std::string& file, const std::string& actor, std::ostream& out);
int cmd_contacts_show(AppContext& ctx, const std::string& who, const std::string& actor, std::ostream& out);
int cmd_contacts_erase(AppContext& ctx, std::int64_t id, const std::string& actor, std::ostream& out);
int cmd_consent_change(AppContext& ctx, bool grant, std::int64_t contact, const std::string& purpose,
                       const std::string& channel, const std::string& source, const std::string& text_id,
                       const std::string& text_version, const std::string& actor, std::ostream& out);
int cmd_consent_show(AppContext& ctx, std::int64_t contact, const std::string& actor, std::ostream& out);
int cmd_campaign_validate(AppContext& ctx, const std::string& file, std::ostream& out);
int cmd_campaign_save(AppContext& ctx, const std::string& file, const std::string& actor, std::ostream& out);
int cmd_campaign_preview(AppContext& ctx, const std::string& key, const std::string& actor, std::ostream& out);
// submit, approve, reject (with `reason`), pause, resume, cancel.
int cmd_campaign_transition(AppContext& ctx, const std::string& verb, const std::string& key, const std::string& actor,
                            const std::string& reason, std::ostream& out);
int cmd_campaign_launch(AppContext& ctx, const std::string& key, const std::string& actor, std::ostream& out);
int cmd_campaign_status(AppContext& ctx, const std::string& key, bool json, std::ostream& out);
int cmd_messages_list(AppContext& ctx, const std::string& status, const std::string& campaign, int limit, std::ostream& out);
int cmd_messages_redrive(AppContext& ctx, const std::string& campaign, const std::vector<std::int64_t>& ids,
                         const std::string& actor, std::ostream& out);
int cmd_sandbox_list(AppContext& ctx, int limit, const std::string& actor, std::ostream& out);

// The notice queue, newest first (optionally one status); and sending `unknown`/`failed` ones again.
int cmd_notices_list(AppContext& ctx, const std::string& status, int limit, std::ostream& out);
int cmd_notices_redrive(AppContext& ctx, const std::vector<std::int64_t>& ids, const std::string& actor,
                        std::ostream& out);

// Page posts of one campaign (or all), optionally only those in `status`.
int cmd_posts_list(AppContext& ctx, const std::string& campaign, const std::string& status, std::ostream& out);
// Queues `unknown` posts again after the operator checked the page: one (`post`) or all of a campaign.
int cmd_posts_redrive(AppContext& ctx, const std::string& campaign, const std::string& post, const std::string& actor,
                      std::ostream& out);
int cmd_simulate_reply(AppContext& ctx, const std::string& from, const std::string& text, const std::string& channel,
                       std::ostream& out);
int cmd_responses_export(AppContext& ctx, const std::string& municipality, const std::string& format,
                         const std::string& actor, const std::string& output, std::ostream& out);
int cmd_principals_add(AppContext& ctx, const std::string& name, const std::string& kind, const std::string& scope,
                       std::ostream& out);
int cmd_principals_revoke(AppContext& ctx, const std::string& name, std::ostream& out);
int cmd_principals_list(AppContext& ctx, std::ostream& out);
// Verifies the hash chain; with a checkpoint file also every signed checkpoint in it
// (storage/audit_checkpoint.h). Throws naming the first problem (record id, file:line).
int cmd_audit_verify(AppContext& ctx, const std::string& checkpoint_file, std::ostream& out);
// Writes a signed checkpoint of the log's head now, to the configured checkpoint file.
int cmd_audit_checkpoint(AppContext& ctx, std::ostream& out);
int cmd_audit_export(AppContext& ctx, std::ostream& out);
int cmd_run(AppContext& ctx, std::ostream& out);
// A consistent online copy of the database in FILE (refused when FILE exists, unless force), with
// the server secret and the audit checkpoint file beside it (FILE.secret, FILE.checkpoints).
int cmd_backup(AppContext& ctx, const std::string& file, bool force, std::ostream& out);
struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  int readers = 2;       // reader threads (and read-only connections) for the API's reads
  int http_threads = 2;  // threads running the HTTP connections
  bool demo_links = false;  // `demo --serve`: one-time sign-in links for every role (SignInRules)
};
int cmd_serve(AppContext& ctx, const ServeOptions& options, std::ostream& out);
int cmd_demo(AppContext& ctx, const std::string& data_dir, std::ostream& out);
// After the demo: keeps serving its database with the real clock and prints a sign-in link per role.
int cmd_demo_serve(AppContext& ctx, ServeOptions options, std::ostream& out);
int cmd_errors_report(AppContext& ctx, std::int64_t contact, const std::string& kind, const std::string& description,
                      const std::string& actor, std::ostream& out);
int cmd_errors_list(AppContext& ctx, const storage::ErrorReportFilter& filter, const std::string& actor, std::ostream& out);
int cmd_errors_resolve(AppContext& ctx, std::int64_t id, const std::string& resolution, const std::string& actor,
                       std::ostream& out);
// The demo's error-report step (app/demo_errors.cpp).
void demo_error_reports(AppContext& ctx, std::ostream& out);
// `errors report|list|resolve` (app/error_commands.cpp): registers the subcommands; the chosen one sets `run`.
void add_error_commands(CLI::App& cli, AppContext& ctx, std::function<int()>& run, std::ostream& out);
// The demo's scorecard table and safety-net flag (app/demo_scorecards.cpp).
void demo_scorecards_and_safety_net(AppContext& ctx, core::TimePoint start, std::ostream& out);

// The configured audit checkpointer (app/audit_commands.cpp), and the checkpoint an engine command
// writes when it ends (when the log's head moved; a failure is printed, not thrown).
std::unique_ptr<engine::AuditCheckpointer> make_audit_checkpointer(AppContext& ctx);
void checkpoint_audit_log(AppContext& ctx, engine::AuditCheckpointer& checkpointer, std::ostream& out);

// Shared printers (also used by the demo).
void print_funnel(AppContext& ctx, const std::string& key, std::ostream& out);  // includes print_posts
void print_posts(AppContext& ctx, const std::string& key, std::ostream& out);
// Municipality `municipality`'s response list as `actor` may read it (services::ResponseLists).
void print_responses(AppContext& ctx, const services::Actor& actor, const std::string& municipality,
                     const std::string& format, std::ostream& out);

}  // namespace outreach::app
