#include "services/assignments.h"

#include <optional>

#include "engine/engine_config.h"
#include "services/audit_trail.h"
#include "storage/assignment_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {

constexpr int kMaxRequest = 100;
constexpr int kCandidatePage = 200;

bool peer_contact_on(const campaigns::PersonFacts& f, const std::string& channel) {
  auto it = f.consent.find("peer-contact");
  return it != f.consent.end() && it->second.granted(channel);
}

}  // namespace

Assignments::Assignments(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                         AssignmentRules rules)
    : db_(db), clock_(clock), config_(config), rules_(rules), policy_(db, config.suppression_key) {}

core::Status Assignments::require_field(const Actor& actor) const {
  return require_kind(actor, {PrincipalKind::volunteer, PrincipalKind::intermediary}, "hold people to approach");
}

core::Status Assignments::expire() {
  auto n = storage::AssignmentStore(db_).expire(clock_.now() - rules_.ttl, clock_.now());
  if (!n) return n.error();
  return {};
}

core::Result<AssignedPerson> Assignments::person(std::int64_t contact_id, core::TimePoint assigned_at) const {
  auto c = storage::ContactStore(db_).get(contact_id);
  if (!c) return c.error();
  auto facts = policy_.facts(contact_id);
  if (!facts) return facts.error();
  AssignedPerson p{c->id, c->name, c->language, c->municipality, {}, assigned_at + rules_.ttl};
  for (const auto& a : c->addresses) {
    if (a.bad) continue;
    bool allowed = peer_contact_on(*facts, "*");
    for (const auto& [name, ch] : config_.channels) {
      if (ch.scheme == a.urn.scheme() && peer_contact_on(*facts, name)) allowed = true;
    }
    if (allowed) p.addresses.push_back(a.urn.str());
  }
  return p;
}

core::Result<AssignmentBatch> Assignments::request(const Actor& actor, const AssignmentRequest& request) {
  if (auto st = require_field(actor); !st) return st.error();
  if (request.count < 1 || request.count > kMaxRequest) {
    return core::Error::invalid("expected 1 to " + std::to_string(kMaxRequest), "count");
  }
  auto scope = policy_.municipalities_in_scope(actor);
  if (scope.empty()) {
    return core::Error::forbidden("'" + actor.name + "' has no municipalities or region in its scope: ask a coordinator",
                                  "scope");
  }
  std::vector<std::string> municipalities(scope.begin(), scope.end());
  if (!request.municipality.empty()) {
    if (scope.count(request.municipality) == 0) {
      return core::Error::forbidden(request.municipality + " is outside the scope of '" + actor.name + "'",
                                    "municipality");
    }
    municipalities = {request.municipality};
  }
  AssignmentBatch batch;
  batch.cap = rules_.cap;
  auto st = db_.transaction([&]() -> core::Status {
    if (auto e = expire(); !e) return e;
    storage::AssignmentStore store(db_);
    const int held = static_cast<int>(store.active_for(actor.name).size());
    int room = std::min(request.count, rules_.cap - held);
    AuditTrail trail(db_, clock_);
    const auto now = clock_.now();
    std::int64_t after = 0;
    while (room > 0) {
      auto ids = store.candidates(municipalities, request.language, after, kCandidatePage);
      if (!ids) return ids.error();
      for (auto id : *ids) {
        after = id;
        auto verdict = policy_.check(actor, id, {.use = campaigns::Use::hand_to_volunteer});
        if (!verdict) return verdict.error();
        if (!verdict->allowed()) continue;
        if (auto a = store.assign(id, actor.name, now); !a) return a;
        auto p = person(id, now);
        if (!p) return p.error();
        batch.people.push_back(std::move(*p));
        if (auto r = trail.record(actor, "contacts.assign", "contact:" + std::to_string(id), "peer-contact"); !r) return r;
        if (--room == 0) break;
      }
      if (static_cast<int>(ids->size()) < kCandidatePage) break;
    }
    batch.held = held + static_cast<int>(batch.people.size());
    return {};
  });
  if (!st) return st.error();
  return batch;
}

core::Result<AssignmentBatch> Assignments::held(const Actor& actor) {
  if (auto st = require_field(actor); !st) return st.error();
  AssignmentBatch batch;
  batch.cap = rules_.cap;
  auto st = db_.transaction([&]() -> core::Status {
    if (auto e = expire(); !e) return e;
    AuditTrail trail(db_, clock_);
    for (const auto& a : storage::AssignmentStore(db_).active_for(actor.name)) {
      ++batch.held;
      // Somebody who said STOP since they were handed out is not shown any more.
      auto verdict = policy_.check(actor, a.contact_id, {.use = campaigns::Use::hand_to_volunteer});
      if (!verdict) return verdict.error();
      if (!verdict->allowed()) continue;
      auto p = person(a.contact_id, a.assigned_at);
      if (!p) return p.error();
      batch.people.push_back(std::move(*p));
      if (auto r = trail.record(actor, "contacts.read", "contact:" + std::to_string(a.contact_id), "peer-contact"); !r) {
        return r;
      }
    }
    return {};
  });
  if (!st) return st.error();
  return batch;
}

core::Status Assignments::release(const Actor& actor, std::int64_t contact_id) {
  if (auto st = require_field(actor); !st) return st;
  return db_.transaction([&]() -> core::Status {
    storage::AssignmentStore store(db_);
    if (!store.is_assigned(contact_id, actor.name)) return core::Error::forbidden("not assigned to you", "contact_id");
    if (auto st = store.release(contact_id, actor.name, clock_.now()); !st) return st;
    return AuditTrail(db_, clock_).record(actor, "contacts.release", "contact:" + std::to_string(contact_id),
                                          "peer-contact");
  });
}

core::Result<AssignedPerson> Assignments::held_person(const Actor& actor, std::int64_t contact_id) {
  if (auto st = require_field(actor); !st) return st.error();
  std::optional<AssignedPerson> found;
  auto st = db_.transaction([&]() -> core::Status {
    if (auto e = expire(); !e) return e;
    for (const auto& a : storage::AssignmentStore(db_).active_for(actor.name)) {
      if (a.contact_id != contact_id) continue;
      auto verdict = policy_.check(actor, a.contact_id, {.use = campaigns::Use::hand_to_volunteer});
      if (!verdict) return verdict.error();
      if (!verdict->allowed()) break;
      auto p = person(a.contact_id, a.assigned_at);
      if (!p) return p.error();
      found = std::move(*p);
      return AuditTrail(db_, clock_).record(actor, "contacts.read", "contact:" + std::to_string(contact_id), "peer-contact");
    }
    return {};
  });
  if (!st) return st.error();
  if (!found) return core::Error::forbidden("not assigned to you", "contact_id");
  return std::move(*found);
}

core::Status Assignments::require_held(const Actor& actor, std::int64_t contact_id) {
  if (auto st = require_field(actor); !st) return st;
  if (auto e = expire(); !e) return e;
  if (!storage::AssignmentStore(db_).is_assigned(contact_id, actor.name)) {
    return core::Error::forbidden("not assigned to you", "contact_id");
  }
  return {};
}

}  // namespace outreach::services
