#pragma once
// Unsubscribing from e-mail, as easily as subscribing (RFC 8058 one-click, and the mailto: address
// of List-Unsubscribe). Every e-mail carries public_base_url + "/u/" + token, where the token
// (storage/unsubscribe_token.h) names one outbox message and is signed with the server secret's
// "unsubscribe" key. Holding the token is the whole authority: no login, no confirmation step.
//
//  - withdraw(token): withdraws the recipient's consent on channel "email" for the message's
//    campaign consent purpose, at once: one consent_events row (withdraw, channel email, source
//    "one_click_unsubscribe", origin the message id) and one audit record (actor
//    "unsubscribe:<message id>") in one transaction. Idempotent: when e-mail consent for that
//    purpose is already not granted, nothing is recorded. (A withdrawal on one channel stops every
//    channel: campaigns/contactability.h.)
//  - undo(token): grants again what this token's withdrawal took (source "one_click_undo"), only
//    when that withdrawal is still the latest word on e-mail for the purpose; otherwise nothing.
//  - look_up(token): what the page at GET /u/{token} shows; changes nothing (mail scanners
//    prefetch links).
//  - withdraw_address(from): a mail to the unsubscribe address: the same withdrawal for the contact
//    with that address, for the purpose of the last campaign message sent to them (else
//    "outreach"); source "unsubscribe_mailto".
// A bad token, an unknown message and an erased person are all not_found, with no detail.
// `db` and `clock` must outlive it. Use from one thread (the engine's io thread or one command).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "core/urn.h"

namespace outreach::storage {
class Database;
enum class ConsentAction;
}

namespace outreach::services {

struct UnsubscribeState {
  std::int64_t message_id = 0;
  std::int64_t contact_id = 0;
  std::string purpose;       // the campaign's consent purpose
  std::string language;      // the person's language, for the page ("nl" when unknown)
  bool unsubscribed = false; // e-mail consent for the purpose is not granted now
  bool can_undo = false;     // the latest e-mail word for the purpose is this token's withdrawal
};

struct UnsubscribeOutcome {
  bool changed = false;  // a consent event was recorded
  UnsubscribeState state;  // after the change
};

class Unsubscribe {
 public:
  // `key` is ServerSecret::derive("unsubscribe"); an empty key refuses every token.
  Unsubscribe(storage::Database& db, const core::Clock& clock, std::string key);
  Unsubscribe(const Unsubscribe&) = delete;
  Unsubscribe& operator=(const Unsubscribe&) = delete;

  core::Result<UnsubscribeState> look_up(std::string_view token) const;
  // `request_id` goes into the audit record.
  core::Result<UnsubscribeOutcome> withdraw(std::string_view token, const std::string& request_id);
  core::Result<UnsubscribeOutcome> undo(std::string_view token, const std::string& request_id);
  // Returns whether a withdrawal was recorded (false: unknown or erased sender, or already withdrawn).
  core::Result<bool> withdraw_address(const core::Urn& from, const std::string& request_id);

 private:
  core::Result<UnsubscribeState> state_of(std::int64_t message_id) const;
  core::Result<UnsubscribeOutcome> change(std::string_view token, const std::string& request_id,
                                          storage::ConsentAction action);

  storage::Database& db_;
  const core::Clock& clock_;
  std::string key_;
};

}  // namespace outreach::services
