#pragma once
// How far the IMAP poller (engine/mailbox_poller.h) has read each mailbox: the highest UID below
// which every message was recorded (or deliberately left), with the mailbox's UIDVALIDITY. UIDs
// are only comparable within one UIDVALIDITY; when the server changes it, the poller starts over
// and relies on the responses' dedup by Message-ID.
//
// `db` must outlive the store.

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct MailboxState {
  std::uint32_t uid_validity = 0;
  std::uint32_t last_uid = 0;
};

class MailboxStateStore {
 public:
  explicit MailboxStateStore(Database& db) : db_(db) {}
  MailboxStateStore(const MailboxStateStore&) = delete;
  MailboxStateStore& operator=(const MailboxStateStore&) = delete;

  // `mailbox` names the server and mailbox ("imap://host:143/INBOX"), never credentials.
  std::optional<MailboxState> get(const std::string& mailbox) const;
  core::Status save(const std::string& mailbox, const MailboxState& state, core::TimePoint now);

 private:
  Database& db_;
};

}  // namespace outreach::storage
