#include "services/people.h"

#include "engine/engine_config.h"
#include "services/audit_trail.h"
#include "storage/database.h"
#include "storage/suppression_list.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {
std::string subject(std::int64_t id) { return "contact:" + std::to_string(id); }
}  // namespace

core::Result<storage::Contact> People::show(const Actor& actor, std::int64_t contact_id) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator}, "look people up"); !st) return st.error();
  auto c = storage::ContactStore(db_).get(contact_id);
  if (!c) return c.error();
  if (auto st = AuditTrail(db_, clock_).record(actor, "contacts.show", subject(c->id), "outreach"); !st) {
    return st.error();
  }
  return c;
}

core::Result<storage::Contact> People::find_by_address(const Actor& actor, const core::Urn& address) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator}, "look people up"); !st) return st.error();
  auto c = storage::ContactStore(db_).find_by_urn(address);
  if (!c) return c.error();
  return show(actor, c->id);
}

core::Result<std::int64_t> People::change_consent(const Actor& actor, const ConsentChange& change) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator}, "record consent"); !st) return st.error();
  if (change.purpose.empty()) return core::Error::invalid("which purpose", "purpose");
  std::int64_t id = 0;
  auto st = db_.transaction([&]() -> core::Status {
    auto c = storage::ContactStore(db_).get(change.contact_id);
    if (!c) return c.error();
    if (c->erased) return core::Error::not_found("no contact with id " + std::to_string(change.contact_id));
    storage::ConsentEvent ev;
    ev.contact_id = change.contact_id;
    ev.purpose = change.purpose;
    ev.channel = change.channel.empty() ? "*" : change.channel;
    ev.action = change.grant ? storage::ConsentAction::grant : storage::ConsentAction::withdraw;
    ev.source = change.source;
    ev.text_id = change.text_id;
    ev.text_version = change.text_version;
    ev.language = c->language;
    ev.collector = actor.name;
    ev.at = clock_.now();
    auto rec = storage::ConsentLedger(db_).record(ev);
    if (!rec) return rec.error();
    id = *rec;
    return AuditTrail(db_, clock_).record(actor, change.grant ? "consent.grant" : "consent.withdraw",
                                          subject(change.contact_id), change.purpose);
  });
  if (!st) return st.error();
  return id;
}

core::Result<std::vector<storage::ConsentEvent>> People::consent_history(const Actor& actor, std::int64_t contact_id) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator}, "read consent"); !st) return st.error();
  if (auto st = AuditTrail(db_, clock_).record(actor, "consent.show", subject(contact_id), "outreach"); !st) {
    return st.error();
  }
  return storage::ConsentLedger(db_).history(contact_id);
}

core::Status People::erase(const Actor& actor, std::int64_t contact_id) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator}, "erase a person"); !st) return st;
  return db_.transaction([&]() -> core::Status {
    storage::ContactStore contacts(db_);
    if (auto c = contacts.get(contact_id); !c) return c.error();
    storage::SuppressionList suppressions(db_, config_.suppression_key);
    if (auto st = contacts.erase(contact_id, suppressions, clock_.now()); !st) return st;
    db_.truncate_wal_after_commit();
    return AuditTrail(db_, clock_).record(actor, "contacts.erase", subject(contact_id), "erasure");
  });
}

core::Result<std::vector<storage::SandboxDelivery>> People::sandbox_deliveries(const Actor& actor, int limit) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator, PrincipalKind::operator_}, "read sandbox deliveries");
      !st) {
    return st.error();
  }
  auto rows = storage::Outbox(db_).sandbox(limit);
  if (auto st = AuditTrail(db_, clock_).record(actor, "sandbox.read", "sandbox", "outreach",
                                               "rows=" + std::to_string(rows.size()));
      !st) {
    return st.error();
  }
  return rows;
}

}  // namespace outreach::services
