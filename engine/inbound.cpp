#include "engine/inbound.h"

#include <spdlog/spdlog.h>


#include "campaigns/campaign.h"
#include "campaigns/sequencer.h"
#include "core/log_mask.h"
#include "core/text_encoding.h"
#include "engine/audience_source.h"
#include "engine/engine_config.h"
#include "engine/error_intake.h"
#include "engine/followup_answers.h"
#include "engine/followup_message.h"
#include "engine/message_composer.h"
#include "engine/sender.h"
#include "net/metrics.h"
#include "storage/campaign_store.h"
#include "storage/case_store.h"
#include "storage/municipality_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/outbox.h"
#include "storage/response_store.h"
#include "storage/server_secret.h"
#include "storage/suppression_list.h"

namespace outreach::engine {
namespace {

std::vector<core::Urn> addresses_of(const storage::Contact& c) {
  std::vector<core::Urn> out;
  for (const auto& a : c.addresses) out.push_back(a.urn);
  return out;
}

}  // namespace

Keyword classify_keyword(const std::string& text, const EngineConfig& config) {
  // The whole message must be the keyword (a sentence that mentions "stop" is a question, not an opt-out).
  return config.keywords.classify(text);
}

core::TimePoint add_working_days(core::TimePoint from, int days) {
  using namespace std::chrono;
  auto t = from;
  while (days > 0) {
    t += hours(24);
    weekday wd{floor<std::chrono::days>(t)};
    if (wd != Saturday && wd != Sunday) --days;
  }
  return t;
}

InboundProcessor::InboundProcessor(storage::Database& db, const core::Clock& clock, const EngineConfig& config,
                                   Sender* replies)
    : db_(db), clock_(clock), config_(config), replies_(replies) {}

core::Result<InboundResult> InboundProcessor::handle(const std::string& channel, const channels::InboundMessage& received) {
  // The one boundary every inbound message crosses (webhooks, IMAP, simulate reply): text that is
  // not UTF-8 is repaired with U+FFFD rather than refused, so a reply is never lost.
  channels::InboundMessage message = received;
  message.provider_message_id = core::repair_utf8(message.provider_message_id);
  message.text = core::repair_utf8(message.text);
  InboundResult result;
  const auto now = clock_.now();
  const auto at = message.at.value_or(now);
  storage::ContactStore contacts(db_);
  storage::Outbox outbox(db_);
  storage::SuppressionList suppressions(db_, config_.suppression_key);
  auto contact = contacts.find_by_urn(message.from);
  // A suppressed address that belongs to no live contact: the person opted out or was erased.
  bool suppressed_stranger = false;
  if (!contact) {
    auto entry = suppressions.find(message.from);
    if (!entry) return entry.error();
    suppressed_stranger = entry->has_value();
  }
  std::optional<storage::MessageRow> last;
  std::shared_ptr<const campaigns::Campaign> campaign;
  int campaign_version = 0;
  if (contact) {
    result.contact_id = contact->id;
    last = outbox.last_sent_to(contact->id);
    if (last) {
      result.campaign_id = last->campaign_id;
      if (auto rec = storage::CampaignStore(db_).get(last->campaign_id)) {
        if (auto c = campaigns_.get(db_, rec->id, rec->version)) {
          campaign = std::move(*c);
          campaign_version = rec->version;
        }
      }
    }
  }
  result.keyword = config_.keywords.classify(message.text);

  std::string reply;
  auto st = db_.transaction([&]() -> core::Status {
    storage::Response r;
    r.contact_id = result.contact_id;
    r.campaign_id = result.campaign_id;
    if (last) r.message_id = last->id;
    r.channel = channel;
    r.urn = message.from.str();
    r.provider_message_id = message.provider_message_id;
    r.text = message.text;
    r.keyword = to_string(result.keyword);
    r.received_at = at;
    if (suppressed_stranger) {
      // Counted, and kept once per provider message (a webhook delivered twice confirms once), but
      // without the text, the address or the provider's id for it.
      r.text.clear();
      r.urn.clear();
      r.provider_message_id = "suppressed:" + storage::hmac_sha256_hex(config_.suppression_key, message.provider_message_id);
    }
    auto id = storage::ResponseStore(db_).record(r);
    if (!id) return id.error();
    if (!*id) {
      result.duplicate = true;
      return {};
    }
    result.response_id = **id;
    if (suppressed_stranger) {
      if (result.keyword != Keyword::stop) return {};
      // STOP is honoured even now (the entry stays, an erasure entry stays as it is) and confirmed.
      if (auto st = suppressions.add({message.from}, "opted_out", at); !st) return st;
      result.consent_change = "suppressed";
      reply = config_.keywords.reply(Keyword::stop, "nl");
      return {};
    }
    if (!contact) return {};  // an unknown sender is recorded, nothing more

    storage::ConsentLedger ledger(db_);
    storage::ConsentEvent ev;
    ev.contact_id = contact->id;
    ev.channel = "*";
    ev.source = channel + "_keyword";
    ev.language = contact->language;
    ev.collector = "inbound:" + channel;
    ev.at = at;
    ev.origin_message_id = result.response_id;
    ev.text_id = campaign ? campaign->key : std::string();
    // Evidence: the campaign message the person answered (its key and approved version).
    ev.text_version = campaign ? std::to_string(campaign_version) : std::string();
    const std::string purpose = campaign ? campaign->consent_purpose : std::string("outreach");
    switch (result.keyword) {
      case Keyword::stop: {
        ev.purpose = purpose;
        ev.action = storage::ConsentAction::withdraw;
        if (auto rec = ledger.record(ev); !rec) return rec.error();
        // Every address of the person, so none of them becomes contactable again by turning up in
        // an import or on another contact, even after an erasure.
        if (auto sup = suppressions.add(addresses_of(*contact), "opted_out", at); !sup) return sup;
        result.consent_change = "withdrew " + purpose;
        reply = config_.keywords.reply(Keyword::stop, contact->language);
        break;
      }
      case Keyword::undo: {
        ev.purpose = purpose;
        ev.action = storage::ConsentAction::grant;
        if (auto rec = ledger.record(ev); !rec) return rec.error();
        if (auto sup = suppressions.remove_opted_out(addresses_of(*contact)); !sup) return sup.error();
        result.consent_change = "granted " + purpose;
        reply = config_.keywords.reply(Keyword::undo, contact->language);
        break;
      }
      case Keyword::yes: {
        std::optional<std::string> grants;
        if (campaign) grants = campaigns::granted_purpose(*campaign, contact->municipality);
        if (!grants) break;
        ev.purpose = *grants;
        ev.action = storage::ConsentAction::grant;
        if (auto rec = ledger.record(ev); !rec) return rec.error();
        result.consent_change = "granted " + *grants;
        if (grants->rfind("share:", 0) == 0 && !contact->municipality.empty()) {
          auto case_id = storage::CaseStore(db_).open(contact->id, contact->municipality, result.campaign_id, now,
                                                      add_working_days(now, config_.case_sla_working_days), "inbound");
          if (!case_id) return case_id.error();
          result.case_id = *case_id;
          // Say what happens next: someone who said yes should not wonder whether it arrived.
          auto m = storage::MunicipalityStore(db_).get(contact->municipality);
          const std::string town = m ? m->name : contact->municipality;
          reply = config_.keywords.reply(Keyword::yes, contact->language, town);
          if (auto c = storage::CaseStore(db_).get(*case_id); c && !c->handler_name.empty()) {
            reply += " " + handler_sentence(contact->language == "nl" || contact->language.empty() ? "nl" : "en", town,
                                            c->handler_name);
          }
        }
        break;
      }
      case Keyword::help:
        reply = config_.keywords.reply(Keyword::help, contact->language);
        break;
      case Keyword::error: {  // the person reports an error: nothing more goes to them until resolved
        auto id = report_error_from_reply(db_, config_, *contact, channel, result.response_id, at);
        if (!id) return id.error();
        result.error_report_id = *id;
        reply = config_.keywords.reply(Keyword::error, contact->language);
        break;
      }
      case Keyword::no: break;
      case Keyword::none: {
        // Not a keyword: perhaps the answer to a follow-up (engine/followup_answers.h).
        auto answer = answer_followup(db_, config_, *contact, message.text, at);
        if (!answer) return answer.error();
        if (*answer) {
          result.followup_id = (*answer)->followup_id;
          reply = (*answer)->reply;
        }
        break;
      }
    }
    return {};
  });
  if (!st) return st.error();
  if (metrics_ && !result.duplicate) {
    metrics_->counter("outreach_inbound_messages_total", "Inbound messages recorded, by channel", {{"channel", channel}})
        .inc();
  }
  Sender* reply_sender = replies_;
  if (auto it = reply_senders_.find(channel); it != reply_senders_.end() && it->second) reply_sender = it->second;
  if (!reply.empty() && !result.duplicate && reply_sender) {
    channels::OutboundMessage msg{.client_ref = "reply-" + std::to_string(result.response_id),
                                  .to = message.from,
                                  .language = contact ? contact->language : "nl",
                                  .text = reply,
                                  .last_inbound_at = at,
                                  .now = now};
    reply_sender->send(0, channel, msg, [id = result.response_id](channels::SendOutcome o) {
      if (o.verdict != channels::SendVerdict::sent) spdlog::warn("reply to response {} not sent: {}", id, o.reason);
    });
    result.reply_text = reply;
  }
  return result;
}

core::Result<bool> InboundProcessor::settle_by_reference(const channels::StatusUpdate& update,
                                                        storage::MessageStatus status) {
  auto ref = parse_client_ref(update.client_ref);
  if (!ref) return false;  // a reply's, a digest's or someone else's reference
  const auto at = update.at.value_or(clock_.now());
  storage::Outbox outbox(db_);
  auto settled = outbox.settle_unknown(ref->campaign_id, ref->step, ref->contact_id, update.provider_id, status,
                                       update.reason, at);
  if (!settled) return settled.error();
  if (!*settled) return false;
  const storage::MessageRow& row = **settled;
  spdlog::info("message {}: unknown -> {} by a status callback naming our reference", row.id, storage::to_string(row.status));
  // The step is done: the next one of this person becomes due, as after any send (Dispatcher).
  auto loaded = campaigns_.get(db_, row.campaign_id, row.campaign_version);
  if (!loaded) {
    spdlog::warn("message {}: next step not activated: {}", row.id, loaded.error().what());
    return true;
  }
  const campaigns::Campaign& campaign = **loaded;
  const std::size_t next = static_cast<std::size_t>(row.step) + 1;
  if (next < campaign.steps.size()) {
    const auto due = campaigns::due_at(campaign.steps[next], at);
    if (auto st = outbox.activate_step(row.campaign_id, row.contact_id, static_cast<int>(next), due,
                                       campaigns::expires_at(campaign.steps[next], due), clock_.now());
        !st) {
      return st.error();
    }
  }
  return true;
}

core::Result<bool> InboundProcessor::handle_status(const std::string& channel, const channels::StatusUpdate& received) {
  channels::StatusUpdate update = received;
  update.provider_id = core::repair_utf8(update.provider_id);
  update.reason = core::repair_utf8(update.reason);
  storage::MessageStatus status = storage::MessageStatus::sent;
  switch (update.state) {
    case channels::DeliveryState::sent: status = storage::MessageStatus::sent; break;
    case channels::DeliveryState::delivered: status = storage::MessageStatus::delivered; break;
    case channels::DeliveryState::read: status = storage::MessageStatus::read; break;
    case channels::DeliveryState::undelivered: status = storage::MessageStatus::undelivered; break;
  }
  storage::Outbox outbox(db_);
  auto found = outbox.apply_delivery_report(update.provider_id, status, update.reason, update.at.value_or(clock_.now()));
  if (!found) return found.error();
  if (!*found && !update.client_ref.empty()) {
    // No row has this provider id: maybe one whose answer we never recorded (an ambiguous send, or
    // a crash between send and commit). Our reference finds it; the report proves it went out.
    auto settled = settle_by_reference(update, status);
    if (!settled) return settled.error();
    found = *settled;
  }
  if (*found && status == storage::MessageStatus::undelivered && channel == "email") {
    // A hard bounce: the address does not work; later steps fall back to other channels.
    if (auto row = outbox.find_by_provider_id(update.provider_id); row && !row->urn.empty()) {
      if (auto st = storage::ContactStore(db_).mark_address_bad(row->urn, update.reason); !st) {
        spdlog::warn("marking {} bad: {}", core::mask_address(row->urn), st.error().what());
      }
    }
  }
  return *found;
}

}  // namespace outreach::engine
