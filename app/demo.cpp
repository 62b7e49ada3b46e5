// `outreach demo`: one campaign end to end in sandbox mode on a fresh database, with a manual clock
// that jumps to each next due time, so two weeks pass in a second.
#include <iomanip>
#include <iostream>
#include <map>
#include <random>

#include "app/commands.h"
#include "app/demo_followups.h"
#include "services/contact_import.h"
#include "app/reference_data.h"
#include "services/campaign_desk.h"
#include "engine/audit_checkpointer.h"
#include "engine/dispatcher.h"
#include "engine/escalation.h"
#include "engine/inbound.h"
#include "engine/post_publisher.h"
#include "engine/scheduler.h"
#include "engine/sender.h"
#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/outbox.h"
#include "storage/principal_store.h"

namespace outreach::app {
namespace {

const std::map<std::string, std::string> kQuestions = {
    {"nl", "Wat moet ik hiervoor doen? Ik heb al een brief gehad."},
    {"en", "Is this really from the municipality?"},
    {"tr", "Bu mesaj gerçekten belediyeden mi?"},
    {"ar", "هل هذه الرسالة من البلدية حقا؟"},
    {"pap", "Kiko mi mester hasi?"},
    {"pl", "Czy to naprawdę wiadomość z gminy?"},
};

void heading(std::ostream& out, const std::string& title) { out << "\n== " << title << "\n"; }

}  // namespace

int cmd_demo(AppContext& ctx, const std::string& data_dir, std::ostream& out) {
  core::TimePoint start;
  core::parse_utc("2026-11-02T08:00:00Z", start);  // Monday 09:00 in Amsterdam
  auto clock_owner = std::make_unique<core::ManualClock>(start);
  core::ManualClock& clock = *clock_owner;
  ctx.clock = std::move(clock_owner);
  storage::Database& db = *ctx.db;
  const std::string campaign_file = data_dir + "/../campaigns/herstel-rijnmond.yaml";

  heading(out, "1. Reference data and contacts (fresh database " + ctx.db_path + ")");
  cmd_municipalities_load(ctx, data_dir + "/municipalities.csv", data_dir + "/regions.csv", out);
  storage::PrincipalStore principals(db);
  principals.add("amira.coordinator", storage::PrincipalKind::coordinator, "", clock.now()).take();
  principals.add("joost.privacy-officer", storage::PrincipalKind::approver, "", clock.now()).take();
  principals.add("rotterdam.wijkteam", storage::PrincipalKind::municipality, "GM0599", clock.now()).take();
  out << "principals: amira.coordinator (coordinator), joost.privacy-officer (approver), rotterdam.wijkteam (municipality GM0599)\n";
  cmd_contacts_import(ctx, data_dir + "/contacts.csv", "amira.coordinator", out);

  heading(out, "2. Validate, save, preview");
  cmd_campaign_validate(ctx, campaign_file, out);
  cmd_campaign_save(ctx, campaign_file, "amira.coordinator", out);
  const std::string key = "herstel-rijnmond";
  cmd_campaign_preview(ctx, key, "amira.coordinator", out);

  heading(out, "3. Four eyes: submit, approve by a second person, launch");
  cmd_campaign_transition(ctx, "submit", key, "amira.coordinator", {}, out);
  services::CampaignDesk desk(db, clock, ctx.config.engine);
  if (auto st = desk.approve(ctx.actor("amira.coordinator"), key); !st) out << "refused: " << st.error().what() << "\n";
  cmd_campaign_transition(ctx, "approve", key, "joost.privacy-officer", {}, out);
  cmd_campaign_launch(ctx, key, "amira.coordinator", out);
  cmd_campaign_launch(ctx, key, "amira.coordinator", out);  // idempotent: adds nothing

  heading(out, "4. The engine sends (sandbox channels, manual clock)");
  storage::Outbox outbox(db);
  engine::SandboxSender sandbox(outbox);
  std::map<std::string, engine::Sender*> senders;
  for (const auto& [name, ch] : ctx.config.engine.channels) senders[name] = &sandbox;
  engine::Dispatcher dispatcher(db, clock, ctx.config.engine, senders);
  engine::PostPublisher posts(db, clock, ctx.config.engine, senders);  // the campaign's page post
  engine::InboundProcessor inbound(db, clock, ctx.config.engine, &sandbox);
  auto day = std::chrono::hours(24);
  engine::run_simulated(dispatcher, clock, start + 2 * day, {}, &posts);
  out << "after 2 days: " << dispatcher.stats().sent << " messages sent, " << dispatcher.stats().deferred
      << " deferred by rate limits, send window or frequency cap\n";

  // Replies arrive through the same inbound path that provider webhooks use.
  std::mt19937 rnd(42);
  std::uniform_real_distribution<double> u(0, 1);
  std::map<std::string, int> mix;
  auto reply_round = [&](int step, double p_yes, double p_stop, double p_question) {
    storage::ContactStore contacts(db);
    for (const auto& m : outbox.list(storage::MessageStatus::sent, std::nullopt, 100000)) {
      if (m.step != step || m.urn.empty()) continue;
      double r = u(rnd);
      std::string text;
      if (r < p_yes) text = "JA";
      else if (r < p_yes + p_stop) text = "STOP";
      else if (r < p_yes + p_stop + p_question) {
        auto c = contacts.get(m.contact_id);
        text = kQuestions.count(c ? c->language : "nl") ? kQuestions.at(c->language) : kQuestions.at("nl");
      } else continue;
      clock.advance(std::chrono::minutes(3));
      channels::InboundMessage msg{.provider_message_id = "demo-" + std::to_string(m.id),
                                   .from = core::Urn::trusted(m.urn).value(),
                                   .text = text,
                                   .at = clock.now()};
      auto result = inbound.handle(m.channel, msg);
      if (result) ++mix[text == "JA" ? "JA" : text == "STOP" ? "STOP" : "question"];
      else out << "reply failed: " << result.error().what() << "\n";
    }
  };
  reply_round(0, 0.20, 0.05, 0.08);
  out << "replies to the first message: JA " << mix["JA"] << ", STOP " << mix["STOP"] << ", questions "
      << mix["question"] << "; the rest stay silent\n";
  engine::run_simulated(dispatcher, clock, start + 7 * day, {}, &posts);
  mix.clear();
  reply_round(1, 0.12, 0.03, 0.04);
  out << "replies to the reminder: JA " << mix["JA"] << ", STOP " << mix["STOP"] << ", questions " << mix["question"] << "\n";
  engine::run_simulated(dispatcher, clock, std::nullopt, {}, &posts);
  desk.complete_finished(services::Actor::system("engine"));
  const auto& s = dispatcher.stats();
  out << "engine done at " << core::format_utc(clock.now()) << ": " << s.sent << " sent, " << s.skipped
      << " skipped (responded), " << s.suppressed << " suppressed at send time, " << s.failed << " failed; "
      << posts.stats().published << " page post(s) published, " << posts.stats().failed << " failed\n";

  // Rotterdam's team picks up the first half of its cases; nobody acts on the rest, which escalate
  // past their SLA (the hub first, then the national fallback; Rotterdam is the Rijnmond hub itself).
  storage::CaseStore case_store(db);
  auto rotterdam = case_store.for_owner("GM0599");
  for (std::size_t i = 0; i < rotterdam.size() / 2; ++i) {
    case_store.set_status(rotterdam[i].id, "acknowledged", "rotterdam.wijkteam", rotterdam[i].opened_at + std::chrono::hours(26)).take();
  }
  engine::Escalator escalator(db, clock, ctx.config.engine);
  auto esc = escalator.run_due(clock.now());
  out << "cases: " << rotterdam.size() / 2 << " of Rotterdam's acknowledged by its team; escalated past SLA: "
      << esc.to_hub << " to the Rijnmond hub, " << esc.to_fallback
      << " to the national fallback\n";

  heading(out, "5. Funnel per step and channel");
  print_funnel(ctx, key, out);

  heading(out, "6. Consent changes since launch");
  std::map<std::string, int> changes;
  for (const auto& e : storage::ConsentLedger(db).between(start, clock.now() + std::chrono::seconds(1))) {
    if (e.source == "import") continue;
    ++changes[std::string(storage::to_string(e.action)) + " " + e.purpose + " (" + e.source + ")"];
  }
  for (const auto& [what, n] : changes) out << "  " << std::setw(4) << n << "  " << what << "\n";

  heading(out, "7. Rotterdam (GM0599): residents who asked for help and consented to sharing");
  print_responses(ctx, ctx.actor("rotterdam.wijkteam"), "GM0599", "table", out);
  std::map<std::string, int> by_status;
  for (const auto& c : case_store.for_owner("GM0599")) ++by_status[c.status];
  out << "  cases owned by Rotterdam:";
  for (const auto& [st, n] : by_status) out << " " << st << " " << n;
  out << "; owned by the national fallback: " << case_store.for_owner(ctx.config.engine.national_fallback).size()
      << " (SLA " << ctx.config.engine.case_sla_working_days << " working days, then the hub, then the fallback)\n";
  demo_error_reports(ctx, out);
  demo_followups(ctx, clock, sandbox, inbound, out);
  demo_scorecards_and_safety_net(ctx, start, out);  // issue 12: scorecards, the safety net
  out << "\nEverything above went to the sandbox outbox: `outreach --db " << ctx.db_path
      << " sandbox list --as amira.coordinator` shows the messages and the page post, `posts list` the post's id.\n";
  checkpoint_audit_log(ctx, *make_audit_checkpointer(ctx), out);
  return 0;
}

}  // namespace outreach::app
