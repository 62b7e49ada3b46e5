// outreach: the command-line entry point. Parses the command line, loads configuration, opens the
// database, runs one command, and maps the outcome to an exit code:
//   0 success, 1 bad input or a refused action, 2 usage error.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "app/app_context.h"
#include "app/commands.h"
#include "app/followup_commands.h"
#include "app/log_setup.h"
#include "app/migrate_command.h"
#include "app/scorecard_commands.h"
#include "app/sign_in_commands.h"

int main(int argc, char** argv) {
  using namespace outreach;
  app::AppContext ctx;
  ctx.config_path = "config/outreach.yaml";
  CLI::App cli{"outreach: multi-channel outreach engine for public programmes"};
  cli.require_subcommand(1);
  cli.add_option("--db", ctx.db_path,
                 "SQLite database file or postgresql:// URL (default: from the config, var/outreach.db)");
  auto* config_option = cli.add_option("--config", ctx.config_path,
                                       "configuration file (without --config, the built-in sandbox "
                                       "configuration when config/outreach.yaml is missing)")
                            ->capture_default_str();
  std::string log_format = "text", log_level = "info";
  cli.add_option("--log-format", log_format, "text, or json: one JSON object per line on stderr (ts, level, component, request_id, message)")
      ->capture_default_str();
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")->capture_default_str();
  std::string actor;
  auto with_actor = [&](CLI::App* c) { c->add_option("--as", actor, "the principal doing this (recorded and checked)"); };

  std::function<int()> run;
  auto on = [&](CLI::App* c, std::function<int()> f) { c->callback([&run, f] { run = f; }); };
  std::ostream& out = std::cout;

  on(cli.add_subcommand("init", "create or migrate the database"), [&] { return app::cmd_init(ctx, out); });

  auto* mun = cli.add_subcommand("municipalities", "municipalities and regions")->require_subcommand(1);
  std::string mun_file = "config/data/municipalities.csv", region_file = "config/data/regions.csv";
  auto* mun_load = mun->add_subcommand("load", "load municipalities and regions from CSV");
  mun_load->add_option("--file", mun_file)->capture_default_str();
  mun_load->add_option("--regions", region_file)->capture_default_str();
  on(mun_load, [&] { return app::cmd_municipalities_load(ctx, mun_file, region_file, out); });

  auto* contacts = cli.add_subcommand("contacts", "people and their addresses")->require_subcommand(1);
  std::string file, who;
  std::int64_t id = 0;
  auto* imp = contacts->add_subcommand("import", "import a CSV (name, phone, email, whatsapp, language, municipality, tags, consent)");
  imp->add_option("FILE", file)->required();
  with_actor(imp);
  on(imp, [&] { return app::cmd_contacts_import(ctx, file, actor, out); });
  auto* show = contacts->add_subcommand("show", "show a contact by id or address URN");
  show->add_option("WHO", who)->required();
  with_actor(show);
  on(show, [&] { return app::cmd_contacts_show(ctx, who, actor, out); });
  auto* erase = contacts->add_subcommand("erase", "erase a person's data (keeps an anonymous tombstone)");
  erase->add_option("ID", id)->required();
  with_actor(erase);
  on(erase, [&] { return app::cmd_contacts_erase(ctx, id, actor, out); });

  auto* consent = cli.add_subcommand("consent", "the consent ledger")->require_subcommand(1);
  std::string purpose, channel, source = "cli", text_id, text_version;
  for (const char* verb : {"grant", "withdraw"}) {
    auto* c = consent->add_subcommand(verb, std::string(verb) + " consent for a purpose");
    c->add_option("--contact", id)->required();
    c->add_option("--purpose", purpose, "outreach, share:GM0599, peer-contact")->required();
    c->add_option("--channel", channel, "sms, email, ... (default: all channels)");
    c->add_option("--source", source, "how it was given: paper, phone, web_form, ...")->capture_default_str();
    c->add_option("--text-id", text_id, "the consent text shown");
    c->add_option("--text-version", text_version);
    with_actor(c);
    bool grant = std::string(verb) == "grant";
    on(c, [&, grant] { return app::cmd_consent_change(ctx, grant, id, purpose, channel, source, text_id, text_version, actor, out); });
  }
  auto* cshow = consent->add_subcommand("show", "a contact's consent history");
  cshow->add_option("ID", id)->required();
  with_actor(cshow);
  on(cshow, [&] { return app::cmd_consent_show(ctx, id, actor, out); });

  auto* campaign = cli.add_subcommand("campaign", "campaigns")->require_subcommand(1);
  std::string key;
  bool json = false;
  auto* val = campaign->add_subcommand("validate", "check a campaign file (errors name file:line:column)");
  val->add_option("FILE", file)->required();
  on(val, [&] { return app::cmd_campaign_validate(ctx, file, out); });
  auto* save = campaign->add_subcommand("save", "store a campaign file as a new draft version");
  save->add_option("FILE", file)->required();
  with_actor(save);
  on(save, [&] { return app::cmd_campaign_save(ctx, file, actor, out); });
  auto* prev = campaign->add_subcommand("preview", "who would get what");
  prev->add_option("KEY", key)->required();
  with_actor(prev);
  on(prev, [&] { return app::cmd_campaign_preview(ctx, key, actor, out); });
  std::string reason;
  for (const char* verb : {"submit", "approve", "reject", "pause", "resume", "cancel"}) {
    auto* c = campaign->add_subcommand(verb, std::string(verb) + " a campaign");
    c->add_option("KEY", key)->required();
    with_actor(c);
    std::string v = verb;
    if (v == "reject") c->add_option("--reason", reason, "why (the author reads it)")->required();
    on(c, [&, v] { return app::cmd_campaign_transition(ctx, v, key, actor, reason, out); });
  }
  auto* launch = campaign->add_subcommand("launch", "snapshot the audience into the outbox (idempotent)");
  launch->add_option("KEY", key)->required();
  with_actor(launch);
  on(launch, [&] { return app::cmd_campaign_launch(ctx, key, actor, out); });
  auto* status = campaign->add_subcommand("status", "state and funnel");
  status->add_option("KEY", key)->required();
  status->add_flag("--json", json);
  on(status, [&] { return app::cmd_campaign_status(ctx, key, json, out); });

  app::add_followup_commands(cli, *campaign, ctx, run, actor, out);  // app/followup_commands.h

  auto* messages = cli.add_subcommand("messages", "the outbox")->require_subcommand(1);
  std::string status_filter;
  int limit = 100;
  std::vector<std::int64_t> ids;
  auto* mlist = messages->add_subcommand("list", "list outbox rows");
  mlist->add_option("--status", status_filter, "queued, sending, sent, unknown, failed, ...");
  mlist->add_option("--campaign", key);
  mlist->add_option("--limit", limit)->capture_default_str();
  on(mlist, [&] { return app::cmd_messages_list(ctx, status_filter, key, limit, out); });
  auto* redrive = messages->add_subcommand("redrive", "resend 'unknown' messages on purpose");
  redrive->add_option("--campaign", key);
  redrive->add_option("--id", ids);
  with_actor(redrive);
  on(redrive, [&] { return app::cmd_messages_redrive(ctx, key, ids, actor, out); });

  auto* notices = cli.add_subcommand("notices", "case and escalation notices waiting, sent or in doubt")->require_subcommand(1);
  auto* nlist = notices->add_subcommand("list", "notices, newest first");
  nlist->add_option("--status", status_filter, "pending, sending, delivered, failed, unknown");
  nlist->add_option("--limit", limit)->capture_default_str();
  on(nlist, [&] { return app::cmd_notices_list(ctx, status_filter, limit, out); });
  auto* nredrive = notices->add_subcommand("redrive", "send 'unknown' or 'failed' notices again, after checking with the receiver");
  nredrive->add_option("--id", ids)->required();
  with_actor(nredrive);
  on(nredrive, [&] { return app::cmd_notices_redrive(ctx, ids, actor, out); });

  auto* posts = cli.add_subcommand("posts", "a campaign's page posts (generic, no personal data)")->require_subcommand(1);
  auto* plist = posts->add_subcommand("list", "page posts with their state and the page's post id");
  plist->add_option("--campaign", key);
  plist->add_option("--status", status_filter, "queued, sending, published, failed, unknown");
  on(plist, [&] { return app::cmd_posts_list(ctx, key, status_filter, out); });
  std::string post_id;
  auto* predrive = posts->add_subcommand("redrive", "post 'unknown' page posts again, after checking the page");
  predrive->add_option("--campaign", key)->required();
  predrive->add_option("--post", post_id, "the post's id in the campaign file (default: every unknown post)");
  with_actor(predrive);
  on(predrive, [&] { return app::cmd_posts_redrive(ctx, key, post_id, actor, out); });

  auto* sandbox = cli.add_subcommand("sandbox", "the sandbox outbox")->require_subcommand(1);
  auto* slist = sandbox->add_subcommand("list", "messages delivered to the sandbox, newest first");
  slist->add_option("--limit", limit)->capture_default_str();
  with_actor(slist);
  on(slist, [&] { return app::cmd_sandbox_list(ctx, limit, actor, out); });

  auto* simulate = cli.add_subcommand("simulate", "inject events as providers would")->require_subcommand(1);
  std::string from, text;
  auto* reply = simulate->add_subcommand("reply", "an inbound message, through the webhook path");
  reply->add_option("--from", from, "sender URN, e.g. tel:+31612340001")->required();
  reply->add_option("--text", text)->required();
  reply->add_option("--channel", channel, "channel name (default: the first that reaches the URN)");
  on(reply, [&] { return app::cmd_simulate_reply(ctx, from, text, channel, out); });

  auto* responses = cli.add_subcommand("responses", "responses of residents")->require_subcommand(1);
  std::string municipality, format = "csv", output;
  auto* exp = responses->add_subcommand("export", "a municipality's response list (consented residents only)");
  exp->add_option("--municipality", municipality, "CBS code, e.g. GM0599")->required();
  exp->add_option("--format", format, "csv, json, table or xlsx")->capture_default_str();
  exp->add_option("--output", output, "write to this file instead of standard output (required for xlsx)");
  with_actor(exp);
  on(exp, [&] { return app::cmd_responses_export(ctx, municipality, format, actor, output, out); });

  app::add_scorecard_commands(cli, ctx, run, out);  // scorecard, safety-net (issue 12)

  auto* principals = cli.add_subcommand("principals", "who may use the API and the web pages")->require_subcommand(1);
  std::string name, kind, scope;
  auto* padd = principals->add_subcommand("add", "add a principal; prints its token once");
  padd->add_option("NAME", name)->required();
  padd->add_option("--kind", kind, "coordinator, approver, volunteer, intermediary, municipality, regional_hub, national_fallback, operator")->required();
  padd->add_option("--scope", scope, "CBS code (municipality) or region (regional_hub)");
  on(padd, [&] { return app::cmd_principals_add(ctx, name, kind, scope, out); });
  auto* prev2 = principals->add_subcommand("revoke", "revoke a principal's token");
  prev2->add_option("NAME", name)->required();
  on(prev2, [&] { return app::cmd_principals_revoke(ctx, name, out); });
  on(principals->add_subcommand("list", "list principals"), [&] { return app::cmd_principals_list(ctx, out); });
  app::add_sign_in_commands(*principals, ctx, run, out);  // web sign-in: set-password, reset-totp, sign-in-link

  auto* audit = cli.add_subcommand("audit", "the tamper-evident audit log")->require_subcommand(1);
  std::string checkpoint_file;
  auto* averify = audit->add_subcommand("verify", "check the hash chain (and with --checkpoint the signed checkpoints)");
  averify->add_option("--checkpoint", checkpoint_file, "a checkpoint file (JSON lines) the log must still match");
  on(averify, [&] { return app::cmd_audit_verify(ctx, checkpoint_file, out); });
  on(audit->add_subcommand("checkpoint", "sign the log's head into the checkpoint file now"),
     [&] { return app::cmd_audit_checkpoint(ctx, out); });
  on(audit->add_subcommand("export", "CSV for an auditor"), [&] { return app::cmd_audit_export(ctx, out); });

  app::add_error_commands(cli, ctx, run, out);

  bool force = false;
  auto* backup = cli.add_subcommand("backup", "consistent online copy of the database (and its secret) into FILE");
  backup->add_option("FILE", file)->required();
  backup->add_flag("--force", force, "overwrite FILE (and FILE.secret, FILE.checkpoints) when they exist");
  on(backup, [&] { return app::cmd_backup(ctx, file, force, out); });
  bool open_database = true;
  app::add_migrate_command(cli, ctx, run, open_database, out);  // migrate --to postgresql://...

  on(cli.add_subcommand("run", "process the messages due now, once, and exit"), [&] { return app::cmd_run(ctx, out); });
  app::ServeOptions serve_options;
  auto* serve = cli.add_subcommand("serve", "run the engine until SIGINT/SIGTERM");
  serve->add_option("--listen", serve_options.listen)->capture_default_str();
  serve->add_option("--readers", serve_options.readers, "reader threads, each with its own read-only connection")
      ->capture_default_str()->check(CLI::Range(1, 64));
  serve->add_option("--http-threads", serve_options.http_threads, "threads for HTTP connections")
      ->capture_default_str()->check(CLI::Range(1, 64));
  on(serve, [&] { return app::cmd_serve(ctx, serve_options, out); });
  std::string data_dir = "config/data";
  auto* demo = cli.add_subcommand("demo", "run the sample campaign end to end on a fresh sandbox database");
  demo->add_option("--data", data_dir)->capture_default_str();
  bool demo_serve = false;
  demo->add_flag("--serve", demo_serve, "then keep serving the demo database and print a sign-in link per role");
  demo->add_option("--listen", serve_options.listen, "with --serve: where the pages and the API listen")->capture_default_str();
  bool is_demo = false;
  demo->preparse_callback([&](std::size_t) { is_demo = true; });

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    cli.exit(e);
    return 2;
  }
  try {
    app::setup_logging(log_format, log_level).take();
    // A configuration named on the command line must exist: falling back to the sandbox defaults
    // would start on another database, with another secret.
    if (config_option->count() > 0 && !std::filesystem::exists(ctx.config_path)) {
      throw core::ErrorException(core::Error::invalid("no such configuration file", ctx.config_path));
    }
    if (is_demo) {
      if (ctx.db_path.empty()) ctx.db_path = "var/demo.db";
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(ctx.db_path + suffix);
      run = [&] {
        const int rc = app::cmd_demo(ctx, data_dir, out);
        return rc != 0 || !demo_serve ? rc : app::cmd_demo_serve(ctx, serve_options, out);
      };
    }
    if (open_database) ctx.open();
    return run ? run() : 2;
  } catch (const core::ErrorException& e) {
    std::cerr << "outreach: " << e.error().what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "outreach: " << e.what() << "\n";
    return 1;
  }
}
