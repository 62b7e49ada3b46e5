#include "app/demo_followups.h"

#include <iomanip>
#include <map>
#include <random>

#include "app/app_context.h"
#include "engine/engine_config.h"
#include "engine/followup_job.h"
#include "engine/inbound.h"
#include "engine/sender.h"
#include "services/followups.h"
#include "services/case_desk.h"
#include "storage/case_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/followup_store.h"
#include "storage/outbox.h"

namespace outreach::app {

void demo_followups(AppContext& ctx, core::ManualClock& clock, engine::Sender& sandbox, engine::InboundProcessor& inbound,
                    std::ostream& out) {
  out << "\n== 8. Did it help? One question per closed case, a face, and answers that reopen\n";
  storage::Database& db = *ctx.db;
  const auto& config = ctx.config.engine;
  const services::Actor team = ctx.actor("rotterdam.wijkteam");
  services::Followups followups(db, clock, config);
  services::CaseDesk desk(db, clock, config);
  storage::CaseStore cases(db);
  int named = 0, closed = 0;
  for (const auto& c : cases.for_owner("GM0599")) {
    if (c.status != "acknowledged") continue;
    // Every other case gets a face: the resident hears who handles it.
    if (closed % 2 == 0 && followups.name_handler(team, c.id, closed % 4 == 0 ? "Fatima" : "Daan")) ++named;
    if (desk.change(team, c.id, {.status = "closed", .outcome = "helped", .note = "geholpen"})) ++closed;
  }
  out << "Rotterdam named a handler on " << named << " case(s) and closed " << closed << "; each closed case has "
      << "one follow-up, due " << std::chrono::duration_cast<std::chrono::hours>(config.followup.after_close).count()
      << "h later\n";

  std::map<std::string, engine::Sender*> senders;
  for (const auto& [name, ch] : config.channels) senders[name] = &sandbox;
  engine::FollowupJob job(db, clock, config, senders);
  storage::FollowupStore store(db);
  const auto until = clock.now() + std::chrono::hours(24 * 4);
  for (int i = 0; i < 1000; ++i) {
    job.run_due(clock.now());
    auto next = store.next_due();
    if (!next || *next > until) break;
    if (*next > clock.now()) clock.set(*next);
  }
  const auto& s = job.stats();
  out << "questions: " << s.sent << " sent, " << s.deferred << " waited for the send window or the frequency cap, "
      << s.skipped << " skipped (STOP, no consent, no channel)\n";
  for (const auto& sd : storage::Outbox(db).sandbox(1000)) {
    if (sd.body.find("contactpersoon") == std::string::npos) continue;
    out << "  e.g. (" << sd.channel << ", " << sd.language << "): " << sd.body << "\n";
    break;
  }

  // Answers come in through the same inbound path as every reply: scores 1-5, some with words.
  std::mt19937 rnd(12);
  std::discrete_distribution<int> score({0, 8, 10, 20, 35, 27});  // index = score
  std::uniform_real_distribution<double> u(0, 1);
  storage::ContactStore contacts(db);
  int answers = 0;
  for (const auto& f : store.for_municipality("GM0599", 1000)) {
    if (f.status != "sent" || u(rnd) > 0.7) continue;
    auto c = contacts.get(f.contact_id);
    auto ch = config.channels.find(f.channel);
    if (!c || ch == config.channels.end() || !c->address(ch->second.scheme)) continue;
    const int n = score(rnd);
    std::string text = std::to_string(n);
    if (n <= 2) text += " Niemand heeft mij teruggebeld.";
    else if (n == 5) text += " Fijn geholpen, dank u.";
    clock.advance(std::chrono::minutes(7));
    channels::InboundMessage msg{.provider_message_id = "demo-followup-" + std::to_string(f.id),
                                 .from = *c->address(ch->second.scheme),
                                 .text = text,
                                 .at = clock.now()};
    if (auto r = inbound.handle(f.channel, msg); r && r->followup_id) ++answers;
  }
  std::map<int, int> by_score;
  int reopened = 0, sent = 0, answered = 0;
  std::map<std::string, int> skipped;
  for (const auto& f : store.for_municipality("GM0599", 1000)) {
    if (f.status == "sent" || f.status == "answered") ++sent;
    if (f.status == "answered") ++answered;
    if (f.status == "skipped") ++skipped[f.skip_reason];
    if (f.score) ++by_score[*f.score];
    if (f.reopened_at) ++reopened;
  }
  out << "answers: " << answered << " of " << sent << " asked (" << (sent ? 100 * answered / sent : 0)
      << "%); scores:";
  for (int i = 1; i <= 5; ++i) out << " " << i << "=" << by_score[i];
  out << "\n";
  if (!skipped.empty()) {
    out << "not asked:";
    for (const auto& [why, n] : skipped) out << " " << why << " " << n;
    out << "\n";
  }
  out << "reopened for Rotterdam (score <= " << config.followup.reopen_at_or_below << " or a complaint): " << reopened
      << ", each with an audit record (cases.reopen) and a case.reopened notice for owners with a webhook\n";
}

}  // namespace outreach::app
