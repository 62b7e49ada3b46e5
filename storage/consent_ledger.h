#pragma once
// The consent ledger: append-only grant and withdraw events per (contact, purpose, channel), each
// with the evidence GDPR art. 7 asks for (who collected it, how, which text and version, language,
// when, and the message or form it came from). The current state is derived, never stored:
// for (purpose, channel) the latest event on that channel or on '*' (all channels) wins.
// Invariant: rows are never updated or deleted (a trigger enforces it), except on erasure.

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

enum class ConsentAction { grant, withdraw };
const char* to_string(ConsentAction a);

struct ConsentEvent {
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  std::string purpose;        // "outreach", "share:GM0599", "peer-contact"
  std::string channel = "*";  // "sms", "email", ... or "*" for all channels
  ConsentAction action = ConsentAction::grant;
  std::string source;         // "import", "sms_keyword", "web_form", "volunteer", "paper", "cli"
  std::string text_id;        // the consent text shown
  std::string text_version;
  std::string language;
  std::string collector;      // principal or system component that recorded it
  core::TimePoint at{};
  std::optional<std::int64_t> origin_message_id;  // the response (inbound message) it came from
  std::string origin_form;
};

// Consent of one contact for one purpose: latest action per channel ('*' included).
struct ConsentState {
  // channel -> (event id, action); resolve with granted().
  std::map<std::string, std::pair<std::int64_t, ConsentAction>> latest;
  bool granted(const std::string& channel) const;
  // A withdrawal is the latest word on at least one channel (or '*').
  bool withdrawn_anywhere() const;
};

// `db` must outlive the ledger.
class ConsentLedger {
 public:
  explicit ConsentLedger(Database& db) : db_(db) {}
  ConsentLedger(const ConsentLedger&) = delete;
  ConsentLedger& operator=(const ConsentLedger&) = delete;

  core::Result<std::int64_t> record(const ConsentEvent& e);
  bool has_consent(std::int64_t contact_id, const std::string& purpose, const std::string& channel) const;
  ConsentState state(std::int64_t contact_id, const std::string& purpose) const;
  // Every purpose of the contact with its state (purposes without events are absent).
  std::map<std::string, ConsentState> states(std::int64_t contact_id) const;
  // The same for many contacts in one query; contacts without events are absent.
  std::unordered_map<std::int64_t, std::map<std::string, ConsentState>> states_of(
      const std::vector<std::int64_t>& contact_ids) const;
  // The purposes that have events, share:<code> ones included.
  std::vector<std::string> purposes() const;
  std::vector<ConsentEvent> history(std::int64_t contact_id) const;
  // Events recorded in [from, to), oldest first: the "consent changes" of a report.
  std::vector<ConsentEvent> between(core::TimePoint from, core::TimePoint to) const;
  // Streams (contact id, state) for every contact with events for purpose, in contact id order.
  void for_each_state(const std::string& purpose,
                      const std::function<void(std::int64_t, const ConsentState&)>& fn) const;

 private:
  core::Result<std::int64_t> insert(const ConsentEvent& e);

  Database& db_;
};

}  // namespace outreach::storage
