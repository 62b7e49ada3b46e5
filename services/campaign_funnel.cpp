// CampaignViews: the funnel per step x channel x municipality, the coverage table and the messages
// in `unknown` (services/campaign_views.h).
#include <algorithm>
#include <tuple>

#include "engine/audience_source.h"
#include "engine/engine_config.h"
#include "services/audit_trail.h"
#include "services/campaign_desk.h"
#include "services/campaign_views.h"
#include "services/scorecards.h"
#include "storage/campaign_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/outbox.h"

namespace outreach::services {

using storage::MessageStatus;
using storage::PrincipalKind;

namespace {

void add(FunnelCellView& cell, MessageStatus status, std::int64_t n) {
  cell.total += n;
  cell.by_status[storage::to_string(status)] += n;
  switch (status) {
    case MessageStatus::waiting:
    case MessageStatus::queued:
    case MessageStatus::sending:
      cell.open += n;
      break;
    case MessageStatus::read:
      cell.read += n;
      [[fallthrough]];
    case MessageStatus::delivered:
      cell.delivered += n;
      [[fallthrough]];
    case MessageStatus::sent:
      cell.sent += n;
      break;
    case MessageStatus::undelivered:
      cell.sent += n;
      cell.failed += n;
      break;
    case MessageStatus::failed:
      cell.failed += n;
      break;
    case MessageStatus::unknown:
      cell.unknown += n;
      break;
    case MessageStatus::skipped:
    case MessageStatus::expired:
    case MessageStatus::suppressed:
      cell.stopped += n;
      break;
  }
}

}  // namespace

CampaignViews::CampaignViews(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                             PendingAudit* pending)
    : db_(db), clock_(clock), config_(config), pending_(pending) {}

CampaignViews::~CampaignViews() = default;

core::Result<std::vector<CampaignSummary>> CampaignViews::list(const Actor& actor) const {
  if (auto st = require_campaign_reader(actor, "list campaigns"); !st) return st.error();
  std::vector<CampaignSummary> out;
  for (const auto& c : storage::CampaignStore(db_).list()) {
    out.push_back({c.key, c.name, c.state, c.version, c.author, c.updated_at});
  }
  std::sort(out.begin(), out.end(), [](const CampaignSummary& a, const CampaignSummary& b) { return a.key < b.key; });
  return out;
}

core::Result<CampaignFunnel> CampaignViews::funnel(const Actor& actor, const std::string& key) const {
  if (auto st = require_campaign_reader(actor, "read campaign funnels"); !st) return st.error();
  auto rec = storage::CampaignStore(db_).find(key);
  if (!rec) return rec.error();
  CampaignFunnel out;
  out.key = rec->key;
  out.name = rec->name;
  out.state = rec->state;
  out.version = rec->version;
  auto campaign = engine::load_campaign_version(db_, rec->id, rec->version);
  if (campaign) {
    for (const auto& s : campaign->steps) out.step_ids.push_back(s.id);
  }
  auto names = storage::MunicipalityStore(db_).names();
  std::map<std::tuple<int, std::string, std::string>, FunnelCellView> cells;
  for (const auto& c : storage::Outbox(db_).funnel_by_municipality(rec->id)) {
    auto& cell = cells[{c.step, c.municipality, c.channel}];
    if (cell.total == 0) {
      cell.step = c.step;
      if (c.step >= 0 && static_cast<std::size_t>(c.step) < out.step_ids.size()) {
        cell.step_id = out.step_ids[static_cast<std::size_t>(c.step)];
      }
      cell.channel = c.channel;
      cell.municipality = c.municipality;
      auto n = names.find(c.municipality);
      cell.municipality_name = n != names.end() ? n->second : c.municipality;
    }
    add(cell, c.status, c.count);
    out.messages += c.count;
  }
  for (auto& [k, cell] : cells) out.cells.push_back(std::move(cell));
  std::stable_sort(out.cells.begin(), out.cells.end(), [](const FunnelCellView& a, const FunnelCellView& b) {
    return std::tie(a.step, a.municipality_name, a.channel) < std::tie(b.step, b.municipality_name, b.channel);
  });
  return out;
}

core::Result<Coverage> CampaignViews::coverage(const Actor& actor, core::TimePoint from, core::TimePoint to) {
  ScorecardRequest req;
  req.from = from;
  req.to = to;
  // The widest view the actor's kind has: the scorecards check and cut the scope.
  if (actor.is(PrincipalKind::municipality)) req.municipality = actor.scope;
  else if (actor.is(PrincipalKind::regional_hub)) req.region = actor.scope;
  else req.all = true;
  auto card = Scorecards(db_, clock_, config_, pending_).read(actor, req);
  if (!card) return card.error();
  Coverage out;
  out.from = card->from;
  out.to = card->to;
  out.small_count_threshold = card->small_count_threshold;
  for (const auto& r : card->rows) {
    CoverageRow row;
    row.code = r.code;
    row.name = r.name;
    row.level = r.level;
    row.known = r.at(Figure::people_known);
    row.reached = r.at(Figure::people_reached);
    row.answered = r.at(Figure::people_answered);
    row.cases_open = r.at(Figure::cases_opened);
    row.sla_breaches = r.at(Figure::sla_breaches);
    out.rows.push_back(row);
  }
  return out;
}

core::Result<std::vector<UnknownMessage>> CampaignViews::unknown(const Actor& actor, const std::string& key,
                                                                 int limit) const {
  // The same people who may resend them (services/redrive.h).
  if (auto st = require_kind(actor, {PrincipalKind::coordinator, PrincipalKind::operator_}, "list messages in doubt");
      !st) {
    return st.error();
  }
  auto rec = storage::CampaignStore(db_).find(key);
  if (!rec) return rec.error();
  std::vector<std::string> step_ids;
  if (auto campaign = engine::load_campaign_version(db_, rec->id, rec->version)) {
    for (const auto& s : campaign->steps) step_ids.push_back(s.id);
  }
  std::vector<UnknownMessage> out;
  for (const auto& r : storage::Outbox(db_).list(MessageStatus::unknown, rec->id, std::max(1, limit))) {
    UnknownMessage m;
    m.id = r.id;
    m.step = r.step;
    if (r.step >= 0 && static_cast<std::size_t>(r.step) < step_ids.size()) m.step_id = step_ids[static_cast<std::size_t>(r.step)];
    m.channel = r.channel;
    m.attempts = r.attempts;
    m.reason = r.reason;  // the engine's words ("no answer after the request was sent"), never an address
    m.due_at = r.due_at;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace outreach::services
