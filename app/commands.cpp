#include "app/commands.h"
#include "app/followup_commands.h"

#include <unistd.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "services/contact_import.h"
#include "app/reference_data.h"
#include "campaigns/campaign.h"
#include "core/csv_writer.h"
#include "core/json_text.h"
#include "core/urn.h"
#include "services/campaign_desk.h"
#include "services/people.h"
#include "services/redrive.h"
#include "storage/audit_log.h"
#include "storage/campaign_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/outbox.h"
#include "storage/postgres_backend.h"
#include "storage/principal_store.h"
#include "storage/suppression_list.h"

namespace outreach::app {
namespace {

[[noreturn]] void fail(core::Error e) { throw core::ErrorException(std::move(e)); }

void print_report_lines(const std::vector<std::string>& lines, const char* prefix, std::ostream& out) {
  for (const auto& l : lines) out << prefix << l << "\n";
}

}  // namespace

int cmd_init(AppContext& ctx, std::ostream& out) {
  out << "database " << storage::redact_postgres_url(ctx.db_path) << " ready (schema version " << ctx.db->schema_version() << ")\n";
  return 0;
}

int cmd_municipalities_load(AppContext& ctx, const std::string& municipalities, const std::string& regions, std::ostream& out) {
  int n = load_municipalities(*ctx.db, municipalities, regions).take();
  out << "loaded " << n << " municipalities from " << municipalities << "\n";
  return 0;
}

int cmd_contacts_import(AppContext& ctx, const std::string& file, const std::string& actor, std::ostream& out) {
  const services::Actor who = ctx.actor(actor);
  auto text = read_file(file).take();
  services::ImportOptions opts;
  opts.file_name = file;
  const bool tty = isatty(STDERR_FILENO);
  if (tty) {
    opts.progress = [](std::size_t done, std::size_t total) {
      if (done % 50 != 0 && done != total) return;
      int width = 30;
      int filled = total ? static_cast<int>(width * done / total) : width;
      std::cerr << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
                << std::string(static_cast<std::size_t>(width - filled), ' ') << "] " << done << "/" << total << std::flush;
      if (done == total) std::cerr << "\n";
    };
  }
  storage::SuppressionList suppressions(*ctx.db, ctx.secret->derive("suppression"));
  opts.suppressions = &suppressions;
  auto report = services::import_contacts(who, *ctx.db, *ctx.clock, text, std::move(opts)).take();
  out << "imported " << report.imported << " contacts, rejected " << report.rejected.size() << ", suppressed "
      << report.suppressed.size() << " (file encoding " << report.encoding << ")\n";
  for (const auto& r : report.rejected) out << "  " << file << ":" << r.line << ": " << r.reason << "\n";
  for (const auto& r : report.suppressed) out << "  line " << r.line << ": " << r.reason << "\n";
  return 0;
}

static storage::Contact find_contact(AppContext& ctx, const services::Actor& actor, const std::string& who) {
  services::People people(*ctx.db, *ctx.clock, ctx.config.engine);
  if (!who.empty() && std::all_of(who.begin(), who.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return people.show(actor, std::stoll(who)).take();
  }
  return people.find_by_address(actor, core::Urn::parse(who).take()).take();
}

int cmd_contacts_show(AppContext& ctx, const std::string& who, const std::string& actor, std::ostream& out) {
  auto c = find_contact(ctx, ctx.actor(actor), who);
  out << "contact " << c.id << (c.erased ? " (erased)" : "") << "\n  name: " << c.name << "\n  language: " << c.language
      << "\n  municipality: " << c.municipality << "\n  do-not-contact: " << (c.do_not_contact ? "yes" : "no") << "\n";
  for (const auto& a : c.addresses) out << "  address: " << a.urn.str() << (a.bad ? " (bad: " + a.bad_reason + ")" : "") << "\n";
  if (!c.tags.empty()) {
    out << "  tags:";
    for (const auto& t : c.tags) out << " " << t;
    out << "\n";
  }
  return 0;
}

int cmd_contacts_erase(AppContext& ctx, std::int64_t id, const std::string& actor, std::ostream& out) {
  services::People(*ctx.db, *ctx.clock, ctx.config.engine).erase(ctx.actor(actor), id).take();
  out << "contact " << id << " erased (anonymous tombstone kept)\n";
  return 0;
}

int cmd_consent_change(AppContext& ctx, bool grant, std::int64_t contact, const std::string& purpose,
                       const std::string& channel, const std::string& source, const std::string& text_id,
                       const std::string& text_version, const std::string& actor, std::ostream& out) {
  services::ConsentChange change{contact, grant, purpose, channel.empty() ? "*" : channel, source, text_id, text_version};
  auto id = services::People(*ctx.db, *ctx.clock, ctx.config.engine).change_consent(ctx.actor(actor), change).take();
  out << "consent event " << id << ": " << (grant ? "granted " : "withdrew ") << purpose << " on " << change.channel << "\n";
  return 0;
}

int cmd_consent_show(AppContext& ctx, std::int64_t contact, const std::string& actor, std::ostream& out) {
  auto history = services::People(*ctx.db, *ctx.clock, ctx.config.engine).consent_history(ctx.actor(actor), contact).take();
  for (const auto& e : history) {
    out << core::format_utc(e.at) << "  " << std::setw(8) << std::left << storage::to_string(e.action) << " "
        << e.purpose << " @" << e.channel << "  source=" << e.source << " collector=" << e.collector
        << (e.text_id.empty() ? "" : " text=" + e.text_id + "/" + e.text_version) << "\n";
  }
  return 0;
}

int cmd_campaign_validate(AppContext& ctx, const std::string& file, std::ostream& out) {
  auto text = read_file(file).take();
  services::CampaignDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto report = desk.validate(text, file);
  print_report_lines(report.errors, "error: ", out);
  print_report_lines(report.warnings, "", out);  // a warning's text says "warning:" after its place
  if (!report.sms.empty()) out << "SMS encoding and segments per template and language:\n";
  print_report_lines(report.sms, "  ", out);
  if (!report.readability.empty()) out << "Readability per template and language:\n";
  print_report_lines(report.readability, "  ", out);
  out << (report.ok ? "campaign is valid\n" : "campaign has " + std::to_string(report.errors.size()) + " error(s)\n");
  return report.ok ? 0 : 1;
}

int cmd_campaign_save(AppContext& ctx, const std::string& file, const std::string& actor, std::ostream& out) {
  auto who = ctx.actor(actor);
  auto text = read_file(file).take();
  services::CampaignDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto id = desk.save(who, text, file).take();
  auto rec = storage::CampaignStore(*ctx.db).get(id).take();
  out << "campaign " << rec.key << " saved as version " << rec.version << " (" << rec.state << ")\n";
  return 0;
}

int cmd_campaign_preview(AppContext& ctx, const std::string& key, const std::string& actor, std::ostream& out) {
  auto who = ctx.actor(actor);
  services::CampaignDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto p = desk.preview(who, key).take();
  out << "preview of " << key << ": " << p.included << " people would get the first message, " << p.suppressed
      << " suppressed\n";
  auto table = [&](const char* title, const std::map<std::string, int>& m) {
    out << "  " << title << ":";
    for (const auto& [k, v] : m) out << "  " << k << "=" << v;
    out << "\n";
  };
  table("by municipality", p.by_municipality);
  table("by language", p.by_language);
  table("by first channel", p.by_channel);
  table("suppressed, by reason", p.suppressed_by_reason);
  print_report_lines(p.errors, "  error: ", out);
  print_report_lines(p.warnings, "  ", out);
  if (!p.readability.empty()) out << "  readability per template and language:\n";
  print_report_lines(p.readability, "    ", out);
  for (const auto& s : p.samples) {
    out << "  --- sample: " << s.channel << " in " << s.language << " (contact " << s.contact_id << ")\n";
    if (!s.subject.empty() && s.channel == "email") out << "  subject: " << s.subject << "\n";
    out << "  " << s.text << "\n";
  }
  for (const auto& post : p.posts) {
    out << "  --- page post " << post.id << " on " << post.channel << " in " << post.language << ", "
        << campaigns::format_duration(post.after) << " after launch (the same text for everyone)\n  " << post.text << "\n";
  }
  return 0;
}

int cmd_campaign_transition(AppContext& ctx, const std::string& verb, const std::string& key, const std::string& actor,
                            const std::string& reason, std::ostream& out) {
  auto who = ctx.actor(actor);
  services::CampaignDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  core::Status st;
  if (verb == "submit") st = desk.submit(who, key);
  else if (verb == "approve") st = desk.approve(who, key);
  else if (verb == "reject") st = desk.reject(who, key, reason);
  else if (verb == "pause") st = desk.pause(who, key);
  else if (verb == "resume") st = desk.resume(who, key);
  else if (verb == "cancel") st = desk.cancel(who, key);
  else fail(core::Error::invalid("unknown campaign action '" + verb + "'"));
  st.take();
  auto rec = storage::CampaignStore(*ctx.db).find(key).take();
  out << "campaign " << key << " is now " << rec.state << " (version " << rec.version << ", by " << actor << ")\n";
  return 0;
}

int cmd_campaign_launch(AppContext& ctx, const std::string& key, const std::string& actor, std::ostream& out) {
  auto who = ctx.actor(actor);
  services::CampaignDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto r = desk.launch(who, key).take();
  out << "launched " << key << " version " << r.version << ": " << r.included << " people, " << r.suppressed
      << " suppressed";
  for (const auto& [k, v] : r.suppressed_by_reason) out << " (" << k << " " << v << ")";
  out << "; " << r.rows_added << " outbox rows added";
  if (r.posts_added > 0) out << ", " << r.posts_added << " page post(s) queued";
  out << "\n";
  return 0;
}

void print_funnel(AppContext& ctx, const std::string& key, std::ostream& out) {
  services::CampaignDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto s = desk.status(ctx.local_operator(), key).take();
  out << "campaign " << s.key << " (" << s.state << ", version " << s.version << ", author " << s.author
      << ", approved by " << (s.approved_by.empty() ? "nobody yet" : s.approved_by) << ")\n";
  out << "  step                 channel       status         count\n";
  for (const auto& row : s.funnel) {
    out << "  " << std::setw(2) << row.step << " " << std::setw(18) << std::left << row.step_id << std::setw(14)
        << (row.channel.empty() ? "-" : row.channel) << std::setw(15) << row.status << std::right << std::setw(5)
        << row.count << "\n";
  }
  out << "  total outbox rows: " << s.messages << " =";
  std::int64_t sum = 0;
  for (const auto& [status, n] : s.by_status) {
    out << " " << status << " " << n;
    sum += n;
  }
  out << (sum == s.messages ? "  (adds up)" : "  (DOES NOT ADD UP)") << "\n";
  print_posts(ctx, key, out);
}

int cmd_campaign_status(AppContext& ctx, const std::string& key, bool json, std::ostream& out) {
  if (!json) {
    print_funnel(ctx, key, out);
    print_panel_review(ctx, key, out);  // what the parents' panel said, for the approver
    return 0;
  }
  services::CampaignDesk desk(*ctx.db, *ctx.clock, ctx.config.engine);
  auto s = desk.status(ctx.local_operator(), key).take();
  nlohmann::ordered_json j = {{"key", s.key}, {"state", s.state}, {"version", s.version}, {"messages", s.messages}};
  j["by_status"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : s.by_status) j["by_status"][k] = v;
  j["funnel"] = nlohmann::ordered_json::array();
  for (const auto& r : s.funnel) {
    j["funnel"].push_back({{"step", r.step}, {"step_id", r.step_id}, {"channel", r.channel}, {"status", r.status},
                           {"count", r.count}});
  }
  j["posts"] = nlohmann::ordered_json::array();
  for (const auto& p : s.posts) {
    j["posts"].push_back({{"id", p.id}, {"channel", p.channel}, {"status", p.status},
                          {"provider_post_id", p.provider_post_id}});
  }
  j["panel_review"] = panel_review_ordered_json(ctx, key);
  out << core::json_text(j) << "\n";
  return 0;
}

int cmd_messages_list(AppContext& ctx, const std::string& status, const std::string& campaign, int limit, std::ostream& out) {
  std::optional<storage::MessageStatus> st;
  if (!status.empty()) st = storage::parse_message_status(status).take();
  std::optional<std::int64_t> cid;
  if (!campaign.empty()) cid = storage::CampaignStore(*ctx.db).find(campaign).take().id;
  auto rows = storage::Outbox(*ctx.db).list(st, cid, limit);
  for (const auto& r : rows) {
    out << r.id << "  campaign " << r.campaign_id << " step " << r.step << " contact " << r.contact_id << "  "
        << storage::to_string(r.status) << "  " << (r.channel.empty() ? "-" : r.channel) << "  attempts " << r.attempts;
    // Proof of sending: the provider's id (a digest's batch id for intermediaries, which are named;
    // a person's own address is not printed).
    if (r.urn.rfind("intermediary:", 0) == 0) out << "  to " << r.urn;
    if (!r.provider_id.empty()) out << "  id " << r.provider_id;
    out << (r.reason.empty() ? "" : "  (" + r.reason + ")") << "\n";
  }
  out << rows.size() << " message(s)\n";
  return 0;
}

int cmd_messages_redrive(AppContext& ctx, const std::string& campaign, const std::vector<std::int64_t>& ids,
                         const std::string& actor, std::ostream& out) {
  auto r = services::Redrive(*ctx.db, *ctx.clock).messages(ctx.actor(actor), campaign, ids).take();
  out << r.queued << " unknown message(s) queued again by " << actor << "\n";
  for (const auto& [reason, count] : r.reasons) out << "  " << count << " unknown because: " << reason << "\n";
  return 0;
}

int cmd_sandbox_list(AppContext& ctx, int limit, const std::string& actor, std::ostream& out) {
  auto rows = services::People(*ctx.db, *ctx.clock, ctx.config.engine).sandbox_deliveries(ctx.actor(actor), limit).take();
  for (const auto& d : rows) {
    out << core::format_utc(d.at) << "  " << d.channel << " -> " << d.urn << " [" << d.language << "]"
        << (d.subject.empty() ? "" : "  subject: " + d.subject) << "\n    " << d.body << "\n";
  }
  return 0;
}

int cmd_principals_add(AppContext& ctx, const std::string& name, const std::string& kind, const std::string& scope,
                       std::ostream& out) {
  auto k = storage::parse_principal_kind(kind).take();
  auto issued = storage::PrincipalStore(*ctx.db).add(name, k, scope, ctx.clock->now()).take();
  out << "principal " << name << " (" << kind << (scope.empty() ? "" : " " + scope) << ") added.\n"
      << "token (shown once, store it now): " << issued.token << "\n";
  return 0;
}

int cmd_principals_revoke(AppContext& ctx, const std::string& name, std::ostream& out) {
  storage::PrincipalStore(*ctx.db).revoke(name, ctx.clock->now()).take();
  out << "principal " << name << " revoked\n";
  return 0;
}

int cmd_principals_list(AppContext& ctx, std::ostream& out) {
  for (const auto& p : storage::PrincipalStore(*ctx.db).list()) {
    out << p.name << "  " << storage::to_string(p.kind) << (p.scope.empty() ? "" : " " + p.scope)
        << (p.revoked ? "  (revoked)" : "") << "\n";
  }
  return 0;
}

int cmd_audit_export(AppContext& ctx, std::ostream& out) {
  const core::CsvWriter csv;
  out << csv.row({"id", "at", "actor", "action", "subject", "purpose", "request_id", "detail", "prev_hash", "hash"});
  storage::AuditLog(*ctx.db).for_each([&](const storage::AuditRecord& r) {
    out << csv.row({std::to_string(r.id), core::format_utc(r.at), r.actor, r.action, r.subject, r.purpose,
                    r.request_id, r.detail, r.prev_hash, r.hash});
  });
  return 0;
}

}  // namespace outreach::app
