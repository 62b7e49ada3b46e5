#pragma once
// The contract between the engine and one provider. A connector is data in, data out: it builds the
// provider's request from a rendered message, classifies the provider's answer, verifies and parses
// its webhooks. It owns no sockets and never touches storage; the engine owns transport (curl multi)
// and records results. Connectors are immutable after construction and safe from any thread.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/urn.h"

namespace outreach::channels {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; returns nullptr when absent.
const std::string* find_header(const Headers& headers, std::string_view name);

// The person an intermediary is asked to approach. Only the intermediary channel carries one: its
// message goes to the intermediary, who needs to know whom to approach and how.
struct PersonToApproach {
  std::string name;
  std::string language;      // their own preference ("tr"), whatever language the message is in
  std::string municipality;  // CBS code, "GM0599"
  std::optional<std::string> phone;
  std::optional<std::string> email;
};

// A rendered message ready for one provider.
struct OutboundMessage {
  std::string client_ref;  // stable per (campaign, step, contact): used as idempotency key / reference
  core::Urn to;
  std::string language;    // "nl", "en", "tr", "ar", "pap", ...
  std::string sender_name; // shown as From name / sender id where the provider allows
  std::string subject;     // e-mail only
  std::string text;        // plain text body (SMS, chat, e-mail text part)
  std::string html;        // e-mail HTML part; empty means text only
  // WhatsApp / Messenger: outside the 24-hour window only an approved template may be sent.
  std::string template_name;
  std::vector<std::string> template_params;
  std::optional<core::TimePoint> last_inbound_at;  // the person's last message to us on this channel
  core::TimePoint now;                             // the engine's clock at build time
  std::string unsubscribe_url;                     // e-mail List-Unsubscribe (RFC 8058)
  std::optional<PersonToApproach> person;          // intermediary channel only
};

// What the engine's transport executes: an HTTP request, or an SMTP submission (curl handles both).
struct TransportRequest {
  enum class Kind { http, smtp } kind = Kind::http;
  std::string method = "POST";
  std::string url;  // https://api.twilio.com/... or smtp://host:port / smtps://host:port
  Headers headers;
  std::string body;  // HTTP body, or the complete RFC 5322 message for SMTP
  std::string username;  // basic auth (HTTP) or AUTH (SMTP); empty for none
  std::string password;
  std::string mail_from;               // SMTP envelope
  std::vector<std::string> mail_rcpt;  // SMTP envelope
  bool starttls = false;               // SMTP: require STARTTLS on smtp://
  std::chrono::milliseconds timeout{10000};
};

struct TransportResponse {
  int status = 0;  // HTTP status, or the final SMTP reply code; 0 when no answer arrived
  Headers headers;
  std::string body;
  std::string transport_error;  // curl's error text when the request did not complete
  bool timed_out = false;
  // The whole request had been written, so the provider may have it: HTTP, the request line,
  // headers and body (always so when an answer arrived); SMTP, the message after DATA (an earlier
  // reply code in `status` does not count). False for failures before the request left: DNS,
  // refused connection, TLS handshake, connect timeout.
  bool request_sent = false;
};

// What the engine may do next with a message, from the provider's answer (channels/http_classify.h
// holds the rules shared by every connector).
enum class SendVerdict {
  sent,       // accepted by the provider; provider_id set
  transient,  // not accepted, may be tried later: it never left (DNS, refused, TLS), 429, 503 with
              // Retry-After, or an answer the provider documents as "not accepted"
  permanent,  // will never succeed on this channel for this address: try the next channel
  opted_out,  // the provider says the person opted out (e.g. Twilio 21610): withdraw consent
  ambiguous,  // may have reached the provider, and no answer says what became of it (timeout or
              // reset after the request was sent, 500/502/504, a 2xx we cannot read): never
              // resent blindly, the row becomes `unknown` for the operator
};
const char* to_string(SendVerdict v);

struct SendOutcome {
  SendVerdict verdict = SendVerdict::transient;
  std::string provider_id;
  std::string reason;  // provider code and text, e.g. "twilio 21211: invalid 'To' number"
  std::optional<std::chrono::milliseconds> retry_after;
};

// An incoming HTTP request as a provider sent it to us.
struct WebhookRequest {
  std::string method;  // "POST", "GET"
  std::string url;     // the full public URL the provider called (signatures cover it)
  std::string target;  // path and query as received
  Headers headers;
  std::string body;
};

enum class DeliveryState { sent, delivered, read, undelivered };
const char* to_string(DeliveryState s);

struct StatusUpdate {
  std::string provider_id;
  DeliveryState state = DeliveryState::sent;
  std::string reason;
  std::optional<core::TimePoint> at;
  // Our reference (OutboundMessage::client_ref) when the provider echoes it back (Twilio through
  // our StatusCallback URL, MessageBird and CM `reference`, WhatsApp `biz_opaque_callback_data`):
  // finds the row when its provider id was never recorded (ambiguous answer, crash before commit).
  std::string client_ref;
};

struct InboundMessage {
  std::string provider_message_id;  // dedup key: the same id is recorded once
  core::Urn from;
  std::string text;
  std::optional<core::TimePoint> at;
};

struct WebhookEvents {
  std::vector<StatusUpdate> statuses;
  std::vector<InboundMessage> inbound;
  // Set when the provider expects a specific answer body (WhatsApp GET verification handshake).
  std::optional<std::string> reply_body;
};

class Connector {
 public:
  virtual ~Connector() = default;
  // Configured channel name ("sms", "whatsapp", ...) and provider ("twilio", "cm", ...).
  virtual std::string_view provider() const = 0;
  // Which addresses this connector can reach.
  virtual bool can_send_to(const core::Urn& to) const = 0;
  virtual core::Result<TransportRequest> build_send(const OutboundMessage& msg) const = 0;
  virtual SendOutcome parse_send(const TransportResponse& response) const = 0;
  // True when the provider deduplicates sends on OutboundMessage::client_ref (an idempotency key):
  // then an ambiguous send may be retried, since the retry carries the same key. None of the
  // providers we support promises that for messages today (their references are only echoed back
  // in status callbacks), so the default is false.
  virtual bool dedups_on_client_ref() const { return false; }
  // Refuses a request with a missing, wrong or stale signature. Constant-time comparison.
  virtual core::Status verify_signature(const WebhookRequest& request) const = 0;
  // Parses a request that verify_signature accepted.
  virtual core::Result<WebhookEvents> parse_webhook(const WebhookRequest& request) const = 0;
};

}  // namespace outreach::channels
