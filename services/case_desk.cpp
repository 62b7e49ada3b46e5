#include "services/case_desk.h"

#include "core/text_encoding.h"
#include "engine/engine_config.h"
#include "services/followups.h"
#include "storage/database.h"
#include "storage/municipality_store.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {

constexpr const char* kPurpose = "brede-ondersteuning";
constexpr std::size_t kMaxNameSearch = 100;
// At most this many pages' worth of cases are examined for one page of shown rows, so a list whose
// rows the policy mostly refuses still answers quickly (with `more` set).
constexpr int kMaxExaminedPages = 20;

core::Result<std::vector<std::string>> statuses_of(const std::string& state) {
  using V = std::vector<std::string>;
  if (state.empty() || state == "all") return V{};
  if (state == "active") return V{"open", "acknowledged", "in_contact", "escalated_hub", "escalated_fallback"};
  if (state == "waiting") return V{"open", "escalated_hub", "escalated_fallback"};
  for (const char* s : {"open", "acknowledged", "in_contact", "closed", "escalated_hub", "escalated_fallback"}) {
    if (state == s) return V{s};
  }
  return core::Error::invalid("expected all, active, waiting, open, acknowledged, in_contact, closed, escalated_hub or "
                              "escalated_fallback, not '" + state + "'",
                              "state");
}

bool overdue_at(const storage::Case& c, core::TimePoint now) { return c.sla_due_at && *c.sla_due_at <= now; }

}  // namespace

CaseDesk::CaseDesk(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                   PendingAudit* pending)
    : db_(db), clock_(clock), config_(config), pending_(pending), policy_(db, config.suppression_key) {}

std::string CaseDesk::owner_kind(const Actor& actor) {
  switch (actor.kind) {
    case PrincipalKind::municipality: return "municipality";
    case PrincipalKind::regional_hub: return "hub";
    case PrincipalKind::national_fallback: return "fallback";
    default: return {};
  }
}

std::string CaseDesk::owner_code(const Actor& actor) const {
  switch (actor.kind) {
    case PrincipalKind::municipality:
      return actor.scope;
    case PrincipalKind::regional_hub: {
      auto r = storage::MunicipalityStore(db_).region(actor.scope);
      return r.ok() ? r->hub_code : std::string();
    }
    case PrincipalKind::national_fallback:
      return actor.scope.empty() ? config_.national_fallback : actor.scope;
    default:
      return {};
  }
}

bool CaseDesk::owns(const Actor& actor, const storage::Case& c) const {
  const std::string owner = owner_code(actor);
  return !owner.empty() && c.owner_code == owner && c.owner_kind == owner_kind(actor);
}

bool CaseDesk::shown(const Actor& actor, const campaigns::PersonFacts* facts, const storage::Case& c) const {
  return facts != nullptr &&
         policy_.decide(actor, *facts, {.use = campaigns::Use::list_for_municipality, .municipality = c.municipality})
             .allowed();
}

core::Result<CasePage> CaseDesk::list(const Actor& actor, const CaseFilter& filter) {
  CasePage page;
  page.owner = owner_code(actor);
  if (page.owner.empty()) return core::Error::forbidden("'" + actor.name + "' owns no cases");
  auto statuses = statuses_of(filter.state);
  if (!statuses) return statuses.error();
  if (filter.limit < 1 || filter.limit > kMaxCasePage) {
    return core::Error::invalid("expected 1 to " + std::to_string(kMaxCasePage), "limit");
  }
  if (filter.name.size() > kMaxNameSearch || !core::is_valid_utf8(filter.name)) {
    return core::Error::invalid("at most " + std::to_string(kMaxNameSearch) + " bytes of UTF-8 text", "name");
  }
  if (!filter.municipality.empty() && !policy_.in_scope(actor, filter.municipality)) {
    return core::Error::forbidden("this municipality is outside your scope", "municipality");
  }
  const core::TimePoint now = clock_.now();
  storage::CaseQuery q{.owner_kind = owner_kind(actor),
                       .owner_code = page.owner,
                       .statuses = *statuses,
                       .due_before = filter.overdue ? std::optional<core::TimePoint>(now) : std::nullopt,
                       .municipality = filter.municipality,
                       .name_contains = filter.name,
                       .after_id = filter.after_id,
                       .limit = filter.limit + 1};
  page.next_after = filter.after_id;
  storage::CaseStore store(db_);
  // One transaction: the pages read below and the audit records see one state of the database.
  auto st = db_.transaction([&]() -> core::Status {
    AuditTrail trail(db_, clock_, pending_);
    bool done = false;
    for (int chunk = 0; !done; ++chunk) {
      if (chunk == kMaxExaminedPages) {  // many refused rows: stop here, the next page goes on
        page.more = true;
        break;
      }
      auto rows = store.page(q);
      if (!rows) return rows.error();
      std::vector<std::int64_t> ids;
      for (const auto& r : *rows) ids.push_back(r.c.contact_id);
      // Everyone's facts in a few queries; each case is asked about its own municipality.
      auto facts = policy_.facts_of(ids);
      if (!facts) return facts.error();
      for (auto& r : *rows) {
        if (static_cast<int>(page.items.size()) == filter.limit) {  // a row beyond a full page
          page.more = true;
          done = true;
          break;
        }
        page.next_after = r.c.id;
        auto f = facts->find(r.c.contact_id);
        if (!shown(actor, f == facts->end() ? nullptr : &f->second, r.c)) continue;
        if (auto a = trail.record(actor, "cases.read", "case:" + std::to_string(r.c.id), kPurpose); !a) return a;
        const bool late = overdue_at(r.c, now);
        page.items.push_back({std::move(r), late});
      }
      if (static_cast<int>(rows->size()) < q.limit) done = true;  // the end of the owner's cases
      q.after_id = page.next_after;
    }
    if (page.items.empty()) return trail.record(actor, "cases.read", "owner:" + page.owner, kPurpose);
    return {};
  });
  if (!st) return st.error();
  return page;
}

core::Result<CaseDetail> CaseDesk::detail(const Actor& actor, std::int64_t case_id) {
  if (owner_code(actor).empty()) return core::Error::forbidden("'" + actor.name + "' owns no cases");
  const auto not_found = core::Error::not_found("no case with id " + std::to_string(case_id), "id");
  CaseDetail d;
  auto st = db_.transaction([&]() -> core::Status {
    auto row = storage::CaseStore(db_).row(case_id);
    if (!row) return row.error().code == core::ErrorCode::not_found ? not_found : row.error();
    if (!owns(actor, row->c)) return not_found;
    auto facts = policy_.facts(row->c.contact_id);
    if (!facts) return facts.error().code == core::ErrorCode::not_found ? not_found : facts.error();
    if (!shown(actor, &*facts, row->c)) return not_found;
    d.row = std::move(*row);
    d.overdue = overdue_at(d.row.c, clock_.now());
    d.replies = storage::ResponseStore(db_).for_contact(d.row.c.contact_id);
    d.contact_logs = storage::ContactLogStore(db_).for_contact(d.row.c.contact_id);
    d.history = storage::CaseStore(db_).history(case_id);
    d.followup = storage::FollowupStore(db_).for_case(case_id);
    return AuditTrail(db_, clock_, pending_).record(actor, "cases.read", "case:" + std::to_string(case_id), kPurpose,
                                                    "detail");
  });
  if (!st) return st.error();
  return d;
}

core::Result<storage::Case> CaseDesk::change(const Actor& actor, std::int64_t case_id, const CaseChange& change) {
  if (change.status != "acknowledged" && change.status != "in_contact" && change.status != "closed") {
    return core::Error::invalid("expected acknowledged, in_contact or closed, not '" + change.status + "'", "status");
  }
  if (change.note.size() > kMaxCaseNote || !core::is_valid_utf8(change.note)) {
    return core::Error::invalid("at most " + std::to_string(kMaxCaseNote) + " bytes of UTF-8 text", "note");
  }
  storage::CaseStore store(db_);
  auto c = store.get(case_id);
  // Not found and not yours look the same: nothing leaks about other owners' cases.
  if (!c || !owns(actor, *c)) return core::Error::forbidden("not your case", "id");
  auto st = db_.transaction([&]() -> core::Status {
    if (auto s = store.set_status(case_id, change.status, actor.name, clock_.now(), change.note, change.outcome); !s) {
      return s;
    }
    if (change.status == "closed") {  // one "did it help?" question per case (services/followups.h)
      if (auto s = schedule_followup_on_close(db_, config_, *c, clock_.now()); !s) return s;
    }
    return AuditTrail(db_, clock_).record(actor, "cases." + change.status, "case:" + std::to_string(case_id), kPurpose,
                                          change.outcome.empty() ? std::string() : "outcome=" + change.outcome);
  });
  if (!st) return st.error();
  return store.get(case_id);
}

}  // namespace outreach::services
