#pragma once
// An intermediary organisation or key person (sleutelpersoon) gets a digest of the people assigned
// to it and the material to pass on, by e-mail or as a signed JSON webhook POST, and reports back
// what happened with each person through a signed JSON call to us.
//
// Digest webhook body (keys in this order):
//   {"intermediary": key, "batch_id": ..., "sent_at": "<UTC>",
//    "people": [{"ref", "name", "language", "municipality", "phone"?, "email"?, "message"?}],
//    "material": {"subject", "text"}}
// signed with the outreach v1 scheme (webhook_connector.h). Report back:
//   {"batch_id": ..., "reports": [{"ref", "outcome", "mode"?, "consent"?: {"purposes": [...],
//    "text_id", "text_version", "language"}, "note"?}]}
// Immutable after construction; safe from any thread.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/connector.h"
#include "channels/email_connector.h"
#include "core/clock.h"
#include "core/error.h"

namespace outreach::channels {

enum class IntermediaryDelivery { email, webhook };

struct IntermediarySettings {
  std::string key;          // the path of its "intermediary:<key>" URN
  std::string name;         // organisation or person, shown in the e-mail digest
  IntermediaryDelivery delivery = IntermediaryDelivery::webhook;
  std::string email;        // delivery email: where the digest goes
  std::string webhook_url;  // delivery webhook: https:// (http:// only on loopback)
  std::string secret;       // signs webhook digests and verifies reports back (>= 16 bytes)
  std::chrono::milliseconds timeout{10000};
};

// Errors name the key: "intermediary.email: ...". Email delivery needs `email` set.
core::Result<IntermediarySettings> validate_intermediary_settings(IntermediarySettings settings);

struct DigestPerson {
  std::string ref;           // our reference for the person; comes back in the report
  std::string name;
  std::string language;
  std::string municipality;  // CBS code, e.g. "GM0599"
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::string message;  // what to tell this person, in their language; may be empty
};

struct Digest {
  std::string batch_id;
  core::TimePoint sent_at;
  std::vector<DigestPerson> people;
  std::string subject;  // material to pass on
  std::string text;
};

enum class ContactOutcome { reached_wants_help, reached_no_help, not_reached, wrong_number, asked_no_contact };
const char* to_string(ContactOutcome o);
std::optional<ContactOutcome> parse_contact_outcome(std::string_view text);

struct ReportConsent {
  std::vector<std::string> purposes;  // "share:GM0599", "peer-contact", ...
  std::string text_id;
  std::string text_version;  // a JSON string or integer in the report
  std::string language;
};

struct ReportEntry {
  std::string ref;
  ContactOutcome outcome = ContactOutcome::not_reached;
  std::string mode;  // how they made contact: phone, visit, ...; empty when not said (checked on recording)
  std::optional<ReportConsent> consent;
  std::string note;  // at most 280 bytes (notes are short; outcome codes come first)
};

struct IntermediaryReport {
  std::string batch_id;
  std::vector<ReportEntry> reports;
};

// Parses a report body. The first problem is returned with its field named, e.g.
// "reports[2].outcome: unknown outcome 'maybe'", "batch_id: missing", "body: not JSON: ...".
core::Result<IntermediaryReport> parse_intermediary_report(std::string_view body);

class IntermediaryConnector {
 public:
  // Requires: settings passed validate_intermediary_settings; for email delivery `email` holds
  // settings that passed validate_email_settings (the digest is sent with EmailConnector).
  IntermediaryConnector(IntermediarySettings settings, std::optional<EmailSettings> email = {});

  // The request that delivers the digest: smtp (text e-mail, Message-ID from "digest-<batch_id>")
  // or a signed JSON POST. Errors name the field: "batch_id: ...", "people[1].ref: ...".
  core::Result<TransportRequest> build_digest(const Digest& digest) const;
  SendOutcome parse_send(const TransportResponse& response) const;

  // The webhook JSON body and the e-mail text of a digest.
  std::string digest_json(const Digest& digest) const;
  std::string digest_text(const Digest& digest) const;

  // Signature and freshness of a report back (see verify_v1 for the error messages).
  core::Status verify_report(const WebhookRequest& request, core::TimePoint now) const;

  const IntermediarySettings& settings() const { return settings_; }

 private:
  IntermediarySettings settings_;
  std::optional<EmailConnector> email_;
};

}  // namespace outreach::channels
