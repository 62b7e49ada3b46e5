#pragma once
// The one path every inbound message takes, whether it came from a provider webhook, the IMAP
// mailbox or `outreach simulate reply`: record it once, attach it to the contact and the campaign
// it answers, and act on keywords (configured per language, engine/keywords.h; matched after
// Unicode folding, core/text_fold.h), confirmed in the person's language (nl when it has none):
//   STOP and friends  withdraw the campaign's consent purpose on every channel and put all the
//                     person's addresses on the suppression list ("opted_out"), confirmed by one reply;
//   START             undoes a STOP (grants the purpose again, removes the "opted_out" entries of the
//                     person's addresses; an erasure entry is never lifted);
//   JA / YES / EVET   grants what the message asked for (share:<municipality>) and opens a case for
//                     the contact's municipality with its SLA;
//   HULP / HELP       an information reply;
//   FOUT / ERROR      the person reports an error: an open error report (storage/error_report_store.h)
//                     that stops every message to them until a coordinator resolves it;
//   NEE / NO          recorded as the answer, nothing else.
// A reply of any kind stops later "unless: responded" steps (the dispatcher checks at send time).
// A message from a suppressed address (storage/suppression_list.h) that belongs to no live contact
// (the person opted out and was erased, say) creates or re-links no contact and keeps no text: the
// response row holds only the channel, keyword and time, with neither the address nor the
// provider's message id (a keyed hash of the id stands in, so a repeated webhook is still one
// message). A STOP from it is honoured (the address stays suppressed) and confirmed in Dutch;
// anything else gets no reply and changes nothing.
// Requires: EngineConfig::suppression_key is set (handle() fails with an error otherwise).
// Also applies provider status callbacks to the outbox (and marks bounced addresses bad).
// Text that is not valid UTF-8 (message text, provider ids, status reasons) is repaired with U+FFFD
// here, once for every source: a reply with a stray byte is recorded, never refused.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "channels/connector.h"
#include "core/clock.h"
#include "core/error.h"
#include "engine/keywords.h"
#include "engine/campaign_cache.h"

namespace outreach::storage {
class Database;
enum class MessageStatus;
}
namespace outreach::net {
class MetricsRegistry;
}

namespace outreach::engine {

struct EngineConfig;
class Sender;

struct InboundResult {
  bool duplicate = false;  // this provider message id was recorded before: nothing else happened
  std::int64_t response_id = 0;
  std::optional<std::int64_t> contact_id;
  std::optional<std::int64_t> campaign_id;
  Keyword keyword = Keyword::none;
  std::string consent_change;  // "withdrew outreach", "granted share:GM0599", or empty
  std::optional<std::int64_t> case_id;
  std::optional<std::int64_t> error_report_id;  // FOUT / ERROR: the open report about the person
  std::optional<std::int64_t> followup_id;  // the follow-up this reply answered (engine/followup_answers.h)
  std::string reply_text;  // the confirmation or information sent back, if any
};

// `db`, `clock` and `config` must outlive the processor. `replies` (may be null) sends confirmations.
class InboundProcessor {
 public:
  InboundProcessor(storage::Database& db, const core::Clock& clock, const EngineConfig& config, Sender* replies);

  // Replies go back on the channel the message came in on, when a sender for it is set here;
  // otherwise through `replies` from the constructor.
  void set_reply_senders(std::map<std::string, Sender*> senders) { reply_senders_ = std::move(senders); }
  // Counts recorded messages in outreach_inbound_messages_total{channel} (duplicates are not
  // counted); may be null (the default). `metrics` must outlive the processor.
  void set_metrics(net::MetricsRegistry* metrics) { metrics_ = metrics; }

  core::Result<InboundResult> handle(const std::string& channel, const channels::InboundMessage& message);
  // Returns false when no message has this provider id and none is found by the update's
  // client_ref. By reference only an `unknown` row is settled (storage::Outbox::settle_unknown),
  // and then the contact's next step becomes due as after any send.
  core::Result<bool> handle_status(const std::string& channel, const channels::StatusUpdate& update);

 private:
  core::Result<bool> settle_by_reference(const channels::StatusUpdate& update, storage::MessageStatus status);

  storage::Database& db_;
  const core::Clock& clock_;
  const EngineConfig& config_;
  Sender* replies_;
  std::map<std::string, Sender*> reply_senders_;
  net::MetricsRegistry* metrics_ = nullptr;
  CampaignCache campaigns_;  // the campaign a reply answers, parsed once per stored version
};

// The configured keyword a whole message is (engine/keywords.h): config.keywords.classify(text).
Keyword classify_keyword(const std::string& text, const EngineConfig& config);

// `days` working days (Mon-Fri) after `from`, at the same time of day (UTC calendar).
core::TimePoint add_working_days(core::TimePoint from, int days);

}  // namespace outreach::engine
