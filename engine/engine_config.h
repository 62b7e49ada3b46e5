#pragma once
// The engine's configuration as typed structs, parsed once from config/outreach.yaml by app/.
// Secrets are resolved from environment variables by the parser; nothing here reads files.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "campaigns/plain_language.h"
#include "channels/imap_mailbox.h"
#include "channels/intermediary_connector.h"
#include "channels/provider_settings.h"
#include "core/clock.h"
#include "core/urn.h"
#include "engine/keywords.h"
#include "engine/followup_config.h"
#include "engine/policy/circuit_breaker.h"
#include "engine/policy/retry_policy.h"
#include "engine/policy/token_bucket.h"
#include "engine/safety_net_config.h"

namespace outreach::engine {

// One named channel a campaign step can list ("sms", "email", "whatsapp", "intermediary").
struct ChannelConfig {
  std::string name;
  core::UrnScheme scheme = core::UrnScheme::tel;  // the address it reaches
  // "sandbox" delivers into the sandbox outbox; otherwise a provider of channels::make_connector.
  std::string provider = "sandbox";
  channels::ProviderSettings settings;
  std::string account;  // rate-limit key of the provider account ("twilio:AC123"); default provider
  RateLimit rate{10, 10};
  std::size_t max_in_flight = 64;
};

// Error reports (services/error_reports.h): a coordinator resolves an open report within
// `sla_hours`; past that it is listed as overdue. When `notify_owner` names an entry of
// EngineConfig::owner_notifications, each new report is also a notice to it (storage/notice_queue.h).
struct ErrorReportRules {
  int sla_hours = 48;
  std::string notify_owner;
};

// Where the Escalator tells a case's new owner about an escalation (engine/escalation_notifier.h):
// a signed webhook (outreach v1 scheme). Keyed in EngineConfig::owner_notifications by owner code.
struct OwnerNotification {
  std::string webhook_url;
  std::string secret;  // shared HMAC secret, at least 16 bytes
  // Whether the receiver dedupes on X-Outreach-Delivery; when not, a notice in flight at a crash
  // is not sent again (engine/escalation_notifier.h).
  bool dedupe = true;
};

// An intermediary organisation or key person and whom it serves. A person is routed to the
// intermediary named by their own "intermediary:<key>" address, else to the first configured one
// that serves their municipality (listed, or in a listed region; both lists empty: everywhere) and
// their language (empty list: any language).
struct IntermediaryConfig {
  channels::IntermediarySettings settings;
  std::vector<std::string> municipalities;  // CBS codes
  std::vector<std::string> regions;         // region keys, "rijnmond"
  std::vector<std::string> languages;
};

// How people for one intermediary are gathered into a digest: the first person waits at most
// `linger` for others; a digest never holds more than `max_people`.
struct DigestPolicy {
  core::Millis linger{std::chrono::minutes(1)};
  std::size_t max_people = 200;
};

struct EngineConfig {
  std::map<std::string, ChannelConfig> channels;
  RetryConfig retry;
  CircuitBreakerConfig circuit;
  std::size_t frequency_cap_messages = 2;  // per contact across campaigns ...
  core::Millis frequency_cap_window{std::chrono::hours(24)};  // ... in this rolling window
  int claim_batch = 500;
  // Provider transports (curl) on a thread of their own (engine::ChannelSet wire_thread), beside
  // the engine's thread that claims, checks, renders and records. Off (the default) until it has
  // been measured on an idle machine and run under ThreadSanitizer: everything on one thread.
  bool wire_thread = false;
  core::Millis lease{std::chrono::minutes(5)};
  core::Millis max_idle_poll{std::chrono::seconds(1)};  // re-check for new work at least this often
  int assignment_cap = 25;                                      // people a volunteer holds at once
  core::Millis assignment_ttl = std::chrono::hours(24 * 14);   // an assignment expires after
  int case_sla_working_days = 5;  // a municipality acknowledges a case within this many working days
  int hub_sla_working_days = 5;   // then the regional hub
  // How often the leading engine looks for cases whose SLA ran out (engine::Escalator::start): a
  // case escalates at most this long after its SLA. cases.escalation_check_interval, 100ms to 1h.
  core::Millis escalation_check_interval{std::chrono::minutes(1)};
  std::string national_fallback = "national";
  KeywordConfig keywords = default_keywords();  // config/keywords.yaml unless outreach.yaml names another
  ErrorReportRules error_reports;
  // Promise and readability checks of campaign templates; their SLA is case_sla_working_days.
  campaigns::PlainLanguageRules plain_language = campaigns::PlainLanguageRules::defaults();
  std::string public_base_url = "http://127.0.0.1:8080";  // for unsubscribe links and webhooks
  // ServerSecret::derive("suppression"), set by the composition root: the key of the suppression list
  // (storage/suppression_list.h). Empty: STOP handling and suppression checks fail with an error.
  std::string suppression_key;
  std::string unsubscribe_key;  // ServerSecret::derive("unsubscribe") (set by app/); empty: messages carry no unsubscribe link
  // The reply/bounce mailbox read by engine::MailboxPoller; none when not configured.
  std::optional<channels::ImapSettings> imap;
  core::Millis imap_poll{60000};  // time between two reads of that mailbox
  // Escalation notifications by owner code (CBS code such as GM0599, or the fallback owner name);
  // none when not configured (escalations are then only visible through the API).
  std::map<std::string, OwnerNotification> owner_notifications;
  // Used by a channel with provider "intermediary": the intermediaries in routing order, how their
  // digests are gathered, and the SMTP server for those that get theirs by e-mail.
  std::vector<IntermediaryConfig> intermediaries;
  DigestPolicy digest;
  std::optional<channels::EmailSettings> digest_smtp;
  FollowupConfig followup;  // "did it help?" (engine/followup_job.h)
  ScorecardConfig scorecards;  // issue 12: small-count suppression
  SafetyNetConfig safety_net;  // issue 12: rules per region, delegations (engine/safety_net.h)
};

// {sms: tel, email: mailto, whatsapp: whatsapp, intermediary: intermediary}, all through the sandbox.
EngineConfig sandbox_config();

}  // namespace outreach::engine
