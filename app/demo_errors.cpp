// The demo's error-report step (app/demo.cpp calls it once the engine is done): a clerk and a
// person each report an error, the policy refuses both people with "error_report", the
// coordinators' queue shows the reports, and resolving one makes that person contactable again.
#include <ostream>

#include "app/commands.h"
#include "engine/engine_config.h"
#include "engine/inbound.h"
#include "engine/sender.h"
#include "services/contactability.h"
#include "services/error_reports.h"
#include "storage/contact_store.h"
#include "storage/outbox.h"

namespace outreach::app {

void demo_error_reports(AppContext& ctx, std::ostream& out) {
  out << "\n== Errors in the process: report, the coordinators' queue, resolve\n";
  storage::Database& db = *ctx.db;
  storage::Outbox outbox(db);
  storage::ContactStore contacts(db);
  services::Contactability policy(db, ctx.config.engine.suppression_key);
  // Two people of Rotterdam who got a message and are still contactable: a Turkish speaker if any.
  std::vector<storage::Contact> people;
  for (const auto& m : outbox.list(storage::MessageStatus::sent, std::nullopt, 100000)) {
    auto c = contacts.get(m.contact_id);
    if (!c || c->municipality != "GM0599" || m.urn.empty() || people.size() >= 2) continue;
    auto f = policy.facts(c->id);
    if (!f || campaigns::blocked(*f) != campaigns::Refusal::none) continue;
    if (people.empty() || people.front().id != c->id) people.push_back(*c);
  }
  if (people.size() < 2) {
    out << "(no contactable Rotterdam residents left to show this with)\n";
    return;
  }
  services::ErrorReports reports(db, *ctx.clock, ctx.config.engine);
  auto by_clerk = reports.report(ctx.actor("rotterdam.wijkteam"),
                                 {.contact_id = people[0].id, .kind = "wrong_letter", .description = "Letter names the wrong child care period"});
  if (!by_clerk) {
    out << "refused: " << by_clerk.error().what() << "\n";
    return;
  }
  out << "rotterdam.wijkteam reported error " << *by_clerk << " (wrong_letter) about contact " << people[0].id << "\n";
  // The person answers with the error word of their own language, through the inbound path.
  const auto& words = ctx.config.engine.keywords.languages;
  auto lang = words.count(people[1].language) ? people[1].language : std::string("nl");
  const std::string word = words.at(lang).words.at(engine::Keyword::error).front();
  engine::SandboxSender sandbox(outbox);
  engine::InboundProcessor inbound(db, *ctx.clock, ctx.config.engine, &sandbox);
  auto urn = people[1].addresses.front().urn;
  auto r = inbound.handle(urn.scheme() == core::UrnScheme::mailto ? "email" : "sms",
                          {.provider_message_id = "demo-error-1", .from = urn, .text = word, .at = ctx.clock->now()});
  if (r && r->error_report_id) {
    out << "contact " << people[1].id << " (" << lang << ") replied \"" << word << "\": error report "
        << *r->error_report_id << " opened, confirmed with \"" << r->reply_text << "\"\n";
  }
  for (const auto& p : people) {
    auto f = policy.facts(p.id);
    if (f) out << "  contactability of contact " << p.id << ": " << campaigns::to_string(campaigns::blocked(*f)) << "\n";
  }
  out << "the coordinators' queue (SLA " << ctx.config.engine.error_reports.sla_hours << " h):\n";
  cmd_errors_list(ctx, {.status = "open"}, "amira.coordinator", out);
  cmd_errors_resolve(ctx, *by_clerk, "Letter checked and corrected; a correction follows", "amira.coordinator", out);
  if (auto f = policy.facts(people[0].id)) {
    out << "  contactability of contact " << people[0].id << ": " << campaigns::to_string(campaigns::blocked(*f)) << "\n";
  }
}

}  // namespace outreach::app
