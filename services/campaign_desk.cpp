#include "services/campaign_desk.h"

#include <set>

#include "campaigns/audience.h"
#include "campaigns/campaign_parser.h"
#include "campaigns/campaign_validator.h"
#include "campaigns/lifecycle.h"
#include "campaigns/message_lint.h"
#include "campaigns/sample_messages.h"
#include "campaigns/sequencer.h"
#include "campaigns/template_renderer.h"
#include "engine/audience_source.h"
#include "engine/engine_config.h"
#include "storage/campaign_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/outbox.h"
#include "storage/post_store.h"
#include "storage/suppression_list.h"
#include "services/audit_trail.h"
#include "services/panel_reviews.h"
#include "services/plain_language_check.h"

namespace outreach::services {
namespace {

constexpr std::size_t kLaunchBatch = 1000;

campaigns::ValidationContext context_for(storage::Database& db, const engine::EngineConfig& config) {
  campaigns::ValidationContext ctx;
  ctx.channels = engine::channel_kinds(config);
  storage::MunicipalityStore m(db);
  for (const auto& mun : m.list()) {
    if (mun.valid_to.empty()) ctx.municipalities.insert(mun.code);
  }
  for (const auto& r : m.regions()) ctx.regions.insert(r.code);
  return ctx;
}

std::string sms_line(const campaigns::SmsReport& r) {
  return r.template_id + " " + r.language + ": " + campaigns::to_string(r.sms.encoding) + ", " +
         std::to_string(r.sms.characters) + " chars, " + std::to_string(r.sms.segments) +
         (r.sms.segments == 1 ? " segment" : " segments");
}

}  // namespace

using storage::PrincipalKind;

// Who may read a campaign's status and preview: the people who write, approve and run them.
core::Status require_campaign_reader(const Actor& actor, std::string_view what) {
  return require_kind(actor, {PrincipalKind::coordinator, PrincipalKind::approver, PrincipalKind::parent_panel,
                              PrincipalKind::operator_},
                      what);
}

CampaignDesk::CampaignDesk(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                           PendingAudit* pending)
    : db_(db), clock_(clock), config_(config), pending_(pending) {
  if (!config.suppression_key.empty()) {
    suppression_ = std::make_unique<storage::SuppressionList>(db, config.suppression_key);
  }
}

CampaignDesk::~CampaignDesk() = default;

ValidationReport CampaignDesk::validate(const std::string& yaml_text, const std::string& file_name) const {
  ValidationReport report;
  auto parsed = campaigns::parse_campaign(yaml_text, file_name);
  std::vector<campaigns::Finding> findings = parsed.findings;
  if (parsed.campaign) {
    auto ctx = context_for(db_, config_);
    auto more = campaigns::validate(*parsed.campaign, ctx);
    findings.insert(findings.end(), more.begin(), more.end());
    if (!campaigns::has_errors(findings)) {
      const campaigns::SampleMessages samples(*parsed.campaign);
      auto lint = campaigns::lint(*parsed.campaign, ctx.channels, samples);
      findings.insert(findings.end(), lint.begin(), lint.end());
      for (const auto& r : campaigns::sms_report(*parsed.campaign, samples)) report.sms.push_back(sms_line(r));
      auto plain = check_plain_language(*parsed.campaign, samples, config_);
      findings.insert(findings.end(), plain.findings.begin(), plain.findings.end());
      report.readability = std::move(plain.readability);
    }
  }
  for (const auto& f : findings) {
    if (f.severity == campaigns::Finding::error) report.errors.push_back(f.str());
    else report.warnings.push_back(f.str());
  }
  report.ok = parsed.campaign.has_value() && report.errors.empty();
  return report;
}

core::Result<std::int64_t> CampaignDesk::save(const Actor& actor, const std::string& yaml_text,
                                              const std::string& file_name, ValidationReport* validation) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator}, "write campaigns"); !st) return st.error();
  const std::string& author = actor.name;
  auto report = validate(yaml_text, file_name);
  if (validation) *validation = report;
  if (!report.ok) {
    std::string all;
    for (const auto& e : report.errors) all += (all.empty() ? "" : "\n") + e;
    return core::Error::invalid(all.empty() ? "campaign is not valid" : all);
  }
  auto parsed = campaigns::parse_campaign(yaml_text, file_name);
  storage::CampaignStore store(db_);
  std::int64_t id = 0;
  auto st = db_.transaction([&]() -> core::Status {
    auto saved = store.save(parsed.campaign->key, parsed.campaign->name, file_name, yaml_text, author, clock_.now());
    if (!saved) return saved.error();
    id = saved->campaign.id;
    return AuditTrail(db_, clock_).record(actor, "campaign.save", "campaign:" + parsed.campaign->key, "outreach",
                                          "version=" + std::to_string(saved->campaign.version));
  });
  if (!st) return st.error();
  return id;
}

core::Result<PreviewReport> CampaignDesk::preview(const Actor& actor, const std::string& key) {
  if (auto st = require_campaign_reader(actor, "preview campaigns"); !st) return st.error();
  storage::CampaignStore store(db_);
  auto rec = store.find(key);
  if (!rec) return rec.error();
  auto campaign = engine::load_campaign_version(db_, rec->id, rec->version);
  if (!campaign) return campaign.error();
  auto kinds = engine::channel_kinds(config_);
  auto region_of = storage::MunicipalityStore(db_).region_of_all();
  auto names = storage::MunicipalityStore(db_).names();
  PreviewReport report;
  report.campaign = key;
  std::set<std::pair<std::string, std::string>> sampled;
  engine::for_each_candidate_chunk(db_, *campaign, kinds, suppression_.get(), kLaunchBatch, [&](const std::vector<campaigns::Candidate>& chunk) {
    auto sel = campaigns::select_audience(*campaign, chunk, region_of, kinds);
    auto counts = sel.counts();
    report.included += counts.included;
    for (const auto& [k, v] : counts.by_municipality) report.by_municipality[k] += v;
    for (const auto& [k, v] : counts.by_language) report.by_language[k] += v;
    for (const auto& [k, v] : counts.by_channel) report.by_channel[k] += v;
    for (const auto& s : sel.suppressed) {
      if (s.reason == campaigns::Suppression::not_in_audience) continue;  // outside, not suppressed
      ++report.suppressed;
      ++report.suppressed_by_reason[campaigns::to_string(s.reason)];
    }
    for (std::size_t i = 0; i < sel.included.size(); ++i) {
      const auto& inc = sel.included[i];
      if (!sampled.insert({inc.channel, inc.language}).second) continue;
      const campaigns::Candidate* cand = nullptr;
      for (const auto& c : chunk) {
        if (c.contact_id == inc.contact_id) cand = &c;
      }
      campaigns::RenderVars vars = campaigns::sample_vars(*campaign);
      if (cand) {
        vars["name"] = cand->name;
        vars["first_name"] = cand->name.substr(0, cand->name.find(' '));
      }
      vars["municipality_name"] = names.count(inc.municipality) ? names[inc.municipality] : inc.municipality;
      auto rendered = campaigns::render(*campaign, campaign->steps.front().template_id, inc.language, vars);
      if (rendered) {
        report.samples.push_back({inc.contact_id, inc.channel, rendered->language_used, rendered->subject, rendered->text});
      }
    }
  });
  // What the approver weighs besides the samples: the version's lint, promises and readability.
  const campaigns::SampleMessages samples(*campaign);
  for (const auto& f : campaigns::lint(*campaign, kinds, samples)) {
    (f.severity == campaigns::Finding::error ? report.errors : report.warnings).push_back(f.str());
  }
  auto plain = check_plain_language(*campaign, samples, config_);
  for (const auto& f : plain.findings) {
    (f.severity == campaigns::Finding::error ? report.errors : report.warnings).push_back(f.str());
  }
  report.readability = std::move(plain.readability);
  for (const auto& post : campaign->posts) {
    auto rendered = campaigns::render_post(*campaign, post);
    report.posts.push_back({post.id, post.channel, post.language, post.after,
                            rendered ? rendered->text : "(cannot render: " + rendered.error().what() + ")"});
  }
  // The samples name people: one record per person shown.
  AuditTrail trail(db_, clock_, pending_);
  if (auto st = trail.record(actor, "campaign.preview", "campaign:" + key, "outreach",
                             "samples=" + std::to_string(report.samples.size()));
      !st) {
    return st.error();
  }
  for (const auto& sample : report.samples) {
    if (auto st = trail.record(actor, "campaign.preview_sample", "contact:" + std::to_string(sample.contact_id),
                               "outreach", "campaign=" + key);
        !st) {
      return st.error();
    }
  }
  return report;
}

core::Status CampaignDesk::transition(const Actor& actor, const std::string& key, const char* to,
                                      const std::string& note) {
  return db_.transaction([&]() -> core::Status {
    storage::CampaignStore store(db_);
    auto rec = store.find(key);
    if (!rec) return rec.error();
    auto from = campaigns::parse_campaign_state(rec->state);
    auto target = campaigns::parse_campaign_state(to);
    if (!from || !target) return core::Error::internal("unknown campaign state");
    if (auto st = campaigns::check_transition(*from, *target, rec->author, actor.name); !st) return st;
    if (auto st = store.set_state(rec->id, rec->state, to, actor.name, clock_.now(), note); !st) return st;
    return AuditTrail(db_, clock_).record(actor, std::string("campaign.") + to, "campaign:" + key, "outreach",
                                          "version=" + std::to_string(rec->version) +
                                              (note.empty() ? "" : " note=" + note));
  });
}

core::Status CampaignDesk::submit(const Actor& actor, const std::string& key) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator}, "submit campaigns"); !st) return st;
  return transition(actor, key, "in_review");
}
core::Status CampaignDesk::approve(const Actor& actor, const std::string& key) {
  if (auto st = require_kind(actor, {PrincipalKind::approver, PrincipalKind::parent_panel}, "approve campaigns"); !st) {
    return st;
  }
  if (auto st = require_panel_review(db_, actor, key); !st) return st;  // services/panel_reviews.h
  return transition(actor, key, "approved");
}
core::Status CampaignDesk::reject(const Actor& actor, const std::string& key, const std::string& reason) {
  if (auto st = require_kind(actor, {PrincipalKind::approver, PrincipalKind::parent_panel}, "reject campaigns"); !st) {
    return st;
  }
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return core::Error::invalid("say why the campaign is rejected: the author reads it", "reason");
  }
  return transition(actor, key, "draft", reason);
}
core::Status CampaignDesk::pause(const Actor& actor, const std::string& key) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator, PrincipalKind::operator_}, "pause campaigns"); !st) {
    return st;
  }
  return transition(actor, key, "paused");
}
core::Status CampaignDesk::resume(const Actor& actor, const std::string& key) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator, PrincipalKind::operator_}, "resume campaigns"); !st) {
    return st;
  }
  return transition(actor, key, "running");
}
core::Status CampaignDesk::cancel(const Actor& actor, const std::string& key) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator, PrincipalKind::operator_}, "cancel campaigns"); !st) {
    return st;
  }
  return transition(actor, key, "cancelled");
}

core::Result<LaunchReport> CampaignDesk::launch(const Actor& actor, const std::string& key) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator}, "launch campaigns"); !st) return st.error();
  storage::CampaignStore store(db_);
  auto rec = store.find(key);
  if (!rec) return rec.error();
  // A second launch of a running campaign is allowed and adds nothing (idempotent snapshot).
  if (rec->state != "running") {
    if (auto st = transition(actor, key, "running", "launch"); !st) return st.error();
  }
  auto campaign = engine::load_campaign_version(db_, rec->id, rec->version);
  if (!campaign) return campaign.error();
  auto kinds = engine::channel_kinds(config_);
  auto region_of = storage::MunicipalityStore(db_).region_of_all();
  storage::Outbox outbox(db_);
  LaunchReport report;
  report.campaign_id = rec->id;
  report.version = rec->version;
  const auto now = clock_.now();
  const int steps = static_cast<int>(campaign->steps.size());
  const auto first_due = now + campaign->steps.front().after;
  std::optional<core::Error> failure;
  std::vector<std::int64_t> ids;
  engine::for_each_candidate_chunk(db_, *campaign, kinds, suppression_.get(), kLaunchBatch, [&](const std::vector<campaigns::Candidate>& chunk) {
    if (failure) return;
    auto sel = campaigns::select_audience(*campaign, chunk, region_of, kinds);
    report.included += static_cast<int>(sel.included.size());
    for (const auto& s : sel.suppressed) {
      if (s.reason == campaigns::Suppression::not_in_audience) continue;
      ++report.suppressed;
      ++report.suppressed_by_reason[campaigns::to_string(s.reason)];
    }
    ids.clear();
    for (const auto& inc : sel.included) ids.push_back(inc.contact_id);
    auto added = outbox.enqueue_launch(rec->id, rec->version, steps, ids, first_due, now,
                                       campaigns::expires_at(campaign->steps.front(), first_due));
    if (!added) failure = added.error();
    else report.rows_added += *added;
  });
  if (failure) return *failure;
  // Page posts: one row per post, rendered now so that what was approved is what is published.
  std::vector<storage::PostDraft> drafts;
  for (const auto& post : campaign->posts) {
    auto rendered = campaigns::render_post(*campaign, post);
    if (!rendered) return rendered.error().within("posts." + post.id);
    drafts.push_back({post.id, post.channel, rendered->language_used, rendered->text, now + post.after});
  }
  auto posts = storage::PostStore(db_).enqueue_launch(rec->id, rec->version, drafts, now);
  if (!posts) return posts.error();
  report.posts_added = *posts;
  // The launch snapshots the audience (personal data) into the outbox.
  if (auto st = AuditTrail(db_, clock_).record(actor, "campaign.launch", "campaign:" + key, "outreach",
                                               "rows_added=" + std::to_string(report.rows_added));
      !st) {
    return st.error();
  }
  return report;
}

int CampaignDesk::complete_finished(const Actor& actor) {
  int done = 0;
  storage::CampaignStore store(db_);
  storage::Outbox outbox(db_);
  for (const auto& c : store.list()) {
    if (c.state != "running") continue;
    bool open = false;
    for (const auto& cell : outbox.funnel(c.id)) {
      if (!storage::is_final(cell.status)) open = true;
    }
    for (const auto& post : storage::PostStore(db_).list(c.id)) {
      if (!storage::is_final(post.status)) open = true;
    }
    if (!open && store.set_state(c.id, "running", "completed", actor.name, clock_.now(), "all messages final")) ++done;
  }
  return done;
}

core::Result<CampaignStatus> CampaignDesk::status(const Actor& actor, const std::string& key) const {
  if (auto st = require_campaign_reader(actor, "read campaign status"); !st) return st.error();
  storage::CampaignStore store(db_);
  auto rec = store.find(key);
  if (!rec) return rec.error();
  CampaignStatus s;
  s.id = rec->id;
  s.key = rec->key;
  s.name = rec->name;
  s.state = rec->state;
  s.version = rec->version;
  s.author = rec->author;
  if (auto v = store.version(rec->id, rec->version)) s.approved_by = v->approved_by;
  auto campaign = engine::load_campaign_version(db_, rec->id, rec->version);
  for (const auto& cell : storage::Outbox(db_).funnel(rec->id)) {
    FunnelRow row;
    row.step = cell.step;
    if (campaign && cell.step < static_cast<int>(campaign->steps.size())) row.step_id = campaign->steps[static_cast<std::size_t>(cell.step)].id;
    row.channel = cell.channel;
    row.status = storage::to_string(cell.status);
    row.count = cell.count;
    s.messages += cell.count;
    s.by_status[row.status] += cell.count;
    s.funnel.push_back(std::move(row));
  }
  for (const auto& p : storage::PostStore(db_).list(rec->id)) {
    s.posts.push_back({p.post_key, p.channel, storage::to_string(p.status), p.due_at, p.attempts, p.provider_post_id,
                       p.reason});
  }
  return s;
}

}  // namespace outreach::services
