// `outreach errors report|list|resolve`: errors in the process (services/error_reports.h). The
// service decides who may; the CLI says who is acting with --as.
#include <CLI/CLI.hpp>

#include <iomanip>
#include <memory>
#include <ostream>

#include "app/commands.h"
#include "services/error_reports.h"

namespace outreach::app {
namespace {

struct ErrorOptions {
  std::string actor;
  std::int64_t contact = 0;
  std::string kind = "other";
  std::string description;
  std::string status;
  std::string municipality;
  bool overdue = false;
  int limit = 200;
  std::int64_t id = 0;
  std::string resolution;
};

void print_report(const services::ErrorReportView& v, std::ostream& out) {
  const storage::ErrorReport& r = v.report;
  out << std::left << std::setw(5) << r.id << std::setw(9) << r.status << std::setw(20) << storage::to_string(r.kind)
      << "contact " << std::setw(6) << r.contact_id << std::setw(8) << (r.municipality.empty() ? "-" : r.municipality)
      << "by " << r.reporter << " (" << r.reporter_kind << ")  due " << core::format_utc(r.sla_due_at)
      << (v.overdue ? "  OVERDUE" : "");
  if (r.status == "resolved") out << "  resolved by " << r.resolved_by << ": " << r.resolution;
  out << "\n";
}

}  // namespace

int cmd_errors_report(AppContext& ctx, std::int64_t contact, const std::string& kind, const std::string& description,
                      const std::string& actor, std::ostream& out) {
  services::ErrorReports reports(*ctx.db, *ctx.clock, ctx.config.engine);
  auto id = reports.report(ctx.actor(actor), {.contact_id = contact, .kind = kind, .description = description}).take();
  out << "error report " << id << " opened: nothing is sent to contact " << contact
      << " until a coordinator resolves it (due within " << ctx.config.engine.error_reports.sla_hours << " h)\n";
  return 0;
}

int cmd_errors_list(AppContext& ctx, const storage::ErrorReportFilter& filter, const std::string& actor, std::ostream& out) {
  services::ErrorReports reports(*ctx.db, *ctx.clock, ctx.config.engine);
  auto rows = reports.list(ctx.actor(actor), filter).take();
  std::size_t overdue = 0;
  for (const auto& r : rows) {
    print_report(r, out);
    overdue += r.overdue ? 1 : 0;
  }
  out << rows.size() << " error report(s), " << overdue << " overdue\n";
  return 0;
}

int cmd_errors_resolve(AppContext& ctx, std::int64_t id, const std::string& resolution, const std::string& actor,
                       std::ostream& out) {
  services::ErrorReports reports(*ctx.db, *ctx.clock, ctx.config.engine);
  auto done = reports.resolve(ctx.actor(actor), id, resolution).take();
  out << "error report " << id << " resolved; messages to contact " << done.report.contact_id
      << " may go again (unless something else stops them)\n";
  return 0;
}

void add_error_commands(CLI::App& cli, AppContext& ctx, std::function<int()>& run, std::ostream& out) {
  auto o = std::make_shared<ErrorOptions>();
  auto on = [&run](CLI::App* c, std::function<int()> f) { c->callback([&run, f] { run = f; }); };
  auto* errors = cli.add_subcommand("errors", "errors in the process: report, the coordinators' queue, resolve")
                     ->require_subcommand(1);
  auto* report = errors->add_subcommand("report", "report an error about a person: stops every message to them");
  report->add_option("CONTACT", o->contact, "contact id")->required();
  report->add_option("--kind", o->kind, "wrong_person, wrong_letter, wrong_municipality or other")->capture_default_str();
  report->add_option("--description", o->description, "short, no case narrative");
  report->add_option("--as", o->actor, "the principal reporting (recorded and checked)");
  on(report, [&ctx, &out, o] { return cmd_errors_report(ctx, o->contact, o->kind, o->description, o->actor, out); });
  auto* list = errors->add_subcommand("list", "the coordinators' queue: open reports first, by due time");
  list->add_option("--status", o->status, "open or resolved (default: both)");
  list->add_option("--municipality", o->municipality, "CBS code");
  list->add_flag("--overdue", o->overdue, "only open reports past their SLA");
  list->add_option("--limit", o->limit)->capture_default_str()->check(CLI::Range(1, 10000));
  list->add_option("--as", o->actor, "the coordinator reading (recorded)");
  on(list, [&ctx, &out, o] {
    storage::ErrorReportFilter f;
    if (!o->status.empty()) f.status = o->status;
    if (!o->municipality.empty()) f.municipality = o->municipality;
    f.overdue_only = o->overdue;
    f.limit = o->limit;
    return cmd_errors_list(ctx, f, o->actor, out);
  });
  auto* resolve = errors->add_subcommand("resolve", "resolve a report with what was done");
  resolve->add_option("ID", o->id, "error report id")->required();
  resolve->add_option("--resolution", o->resolution, "what was found and done")->required();
  resolve->add_option("--as", o->actor, "the coordinator resolving (recorded and checked)");
  on(resolve, [&ctx, &out, o] { return cmd_errors_resolve(ctx, o->id, o->resolution, o->actor, out); });
}

}  // namespace outreach::app
