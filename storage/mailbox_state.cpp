#include "storage/mailbox_state.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {

std::optional<MailboxState> MailboxStateStore::get(const std::string& mailbox) const {
  try {
    Statement st(db_, "SELECT uid_validity, last_uid FROM mailbox_state WHERE mailbox = ?");
    st.bind(1, mailbox);
    if (!st.executeStep()) return std::nullopt;
    return MailboxState{static_cast<std::uint32_t>(st.getColumn(0).getInt64()),
                        static_cast<std::uint32_t>(st.getColumn(1).getInt64())};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

core::Status MailboxStateStore::save(const std::string& mailbox, const MailboxState& state, core::TimePoint now) {
  return db_.transaction("the IMAP poller's last UID", [&]() -> core::Status {
    Statement st(db_,
                 "INSERT INTO mailbox_state(mailbox, uid_validity, last_uid, updated_at) VALUES (?1, ?2, ?3, ?4) "
                 "ON CONFLICT(mailbox) DO UPDATE SET uid_validity = ?2, last_uid = ?3, updated_at = ?4");
    st.bind(1, mailbox);
    st.bind(2, static_cast<int64_t>(state.uid_validity));
    st.bind(3, static_cast<int64_t>(state.last_uid));
    st.bind(4, static_cast<int64_t>(core::to_millis(now)));
    st.exec();
    return {};
  });
}

}  // namespace outreach::storage
