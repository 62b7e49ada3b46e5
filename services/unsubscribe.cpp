#include "services/unsubscribe.h"

#include "campaigns/campaign.h"
#include "engine/audience_source.h"
#include "storage/audit_log.h"
#include "storage/campaign_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/outbox.h"
#include "storage/unsubscribe_token.h"

namespace outreach::services {
namespace {

constexpr const char* kChannel = "email";
constexpr const char* kOneClick = "one_click_unsubscribe";
constexpr const char* kUndo = "one_click_undo";
constexpr const char* kMailto = "unsubscribe_mailto";

core::Error no_such_link() { return core::Error::not_found("no such unsubscribe link"); }

// The consent purpose of a campaign's current version; "outreach" when it cannot be read.
std::string purpose_of(storage::Database& db, std::int64_t campaign_id) {
  if (auto rec = storage::CampaignStore(db).get(campaign_id)) {
    if (auto c = engine::load_campaign_version(db, rec->id, rec->version); c && !c->consent_purpose.empty())
      return c->consent_purpose;
  }
  return "outreach";
}

// The latest e-mail event for (contact, purpose), if any.
std::optional<storage::ConsentEvent> latest_email_event(storage::Database& db, std::int64_t contact_id,
                                                        const std::string& purpose) {
  std::optional<storage::ConsentEvent> last;
  for (auto& e : storage::ConsentLedger(db).history(contact_id)) {
    if (e.purpose == purpose && e.channel == kChannel) last = std::move(e);
  }
  return last;
}

core::Status audit(storage::Database& db, core::TimePoint at, const std::string& actor, const std::string& action,
                   std::int64_t contact_id, const std::string& purpose, const std::string& request_id,
                   const std::string& detail) {
  storage::AuditRecord r;
  r.at = at;
  r.actor = actor;
  r.action = action;
  r.subject = "contact:" + std::to_string(contact_id);
  r.purpose = purpose;
  r.request_id = request_id;
  r.detail = detail;
  auto id = storage::AuditLog(db).append(r);
  if (!id) return id.error();
  return {};
}

}  // namespace

Unsubscribe::Unsubscribe(storage::Database& db, const core::Clock& clock, std::string key)
    : db_(db), clock_(clock), key_(std::move(key)) {}

core::Result<UnsubscribeState> Unsubscribe::state_of(std::int64_t message_id) const {
  auto message = storage::Outbox(db_).get(message_id);
  if (!message) return no_such_link();
  auto contact = storage::ContactStore(db_).get(message->contact_id);
  // Erasure is final: an erased person's links lead nowhere, and nothing new is recorded.
  if (!contact || contact->erased) return no_such_link();
  UnsubscribeState s;
  s.message_id = message_id;
  s.contact_id = contact->id;
  s.purpose = purpose_of(db_, message->campaign_id);
  s.language = contact->language.empty() ? "nl" : contact->language;
  s.unsubscribed = !storage::ConsentLedger(db_).state(contact->id, s.purpose).granted(kChannel);
  auto last = latest_email_event(db_, contact->id, s.purpose);
  s.can_undo = last && last->action == storage::ConsentAction::withdraw && last->source == kOneClick &&
               last->origin_message_id == message_id;
  return s;
}

core::Result<UnsubscribeState> Unsubscribe::look_up(std::string_view token) const {
  auto id = storage::verify_unsubscribe_token(token, key_);
  if (!id) return no_such_link();
  return state_of(*id);
}

core::Result<UnsubscribeOutcome> Unsubscribe::withdraw(std::string_view token, const std::string& request_id) {
  return change(token, request_id, storage::ConsentAction::withdraw);
}

core::Result<UnsubscribeOutcome> Unsubscribe::undo(std::string_view token, const std::string& request_id) {
  return change(token, request_id, storage::ConsentAction::grant);
}

// withdraw and undo differ in when they apply and what they record; the rest is one transaction.
core::Result<UnsubscribeOutcome> Unsubscribe::change(std::string_view token, const std::string& request_id,
                                                     storage::ConsentAction action) {
  auto id = storage::verify_unsubscribe_token(token, key_);
  if (!id) return no_such_link();
  const bool withdrawing = action == storage::ConsentAction::withdraw;
  UnsubscribeOutcome out;
  auto st = db_.transaction([&]() -> core::Status {
    auto s = state_of(*id);
    if (!s) return s.error();
    if (withdrawing ? !s->unsubscribed : s->can_undo) {
      const auto now = clock_.now();
      storage::ConsentEvent e;
      e.contact_id = s->contact_id;
      e.purpose = s->purpose;
      e.channel = kChannel;
      e.action = action;
      e.source = withdrawing ? kOneClick : kUndo;
      e.language = s->language;
      e.collector = "unsubscribe:" + std::to_string(*id);
      e.at = now;
      e.origin_message_id = *id;
      if (auto rec = storage::ConsentLedger(db_).record(e); !rec) return rec.error();
      const std::string detail = std::string(withdrawing ? "" : "undo of ") +
                                 "one-click unsubscribe, e-mail, message " + std::to_string(*id);
      if (auto a = audit(db_, now, e.collector, withdrawing ? "consent.withdraw" : "consent.grant", s->contact_id,
                         s->purpose, request_id, detail);
          !a)
        return a;
      out.changed = true;
      s = state_of(*id);
      if (!s) return s.error();
    }
    out.state = *s;
    return {};
  });
  if (!st) return st.error();
  return out;
}

core::Result<bool> Unsubscribe::withdraw_address(const core::Urn& from, const std::string& request_id) {
  bool changed = false;
  auto st = db_.transaction([&]() -> core::Status {
    auto contact = storage::ContactStore(db_).find_by_urn(from);
    if (!contact || contact->erased) return {};
    auto last = storage::Outbox(db_).last_sent_to(contact->id);
    const std::string purpose = last ? purpose_of(db_, last->campaign_id) : std::string("outreach");
    storage::ConsentLedger ledger(db_);
    if (!ledger.state(contact->id, purpose).granted(kChannel)) return {};
    const auto now = clock_.now();
    storage::ConsentEvent e;
    e.contact_id = contact->id;
    e.purpose = purpose;
    e.channel = kChannel;
    e.action = storage::ConsentAction::withdraw;
    e.source = kMailto;
    e.language = contact->language;
    e.collector = "unsubscribe:mailto";
    e.at = now;
    if (last) e.origin_message_id = last->id;
    if (auto rec = ledger.record(e); !rec) return rec.error();
    if (auto a = audit(db_, now, e.collector, "consent.withdraw", contact->id, purpose, request_id,
                       "mail to the unsubscribe address, e-mail");
        !a)
      return a;
    changed = true;
    return {};
  });
  if (!st) return st.error();
  return changed;
}

}  // namespace outreach::services
