#include "storage/mailbox_state.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

class MailboxStateTest : public test::BackendStorageTest {
 protected:
  MailboxStateStore store{*db};
};

TEST_P(MailboxStateTest, TheLastUidIsKeptPerMailboxAndReplaced) {
  EXPECT_FALSE(store.get("INBOX"));
  ASSERT_TRUE(store.save("INBOX", {7, 41}, now()));
  ASSERT_TRUE(store.save("Replies", {9, 3}, now()));
  ASSERT_TRUE(store.save("INBOX", {7, 42}, at(std::chrono::minutes(1))));
  auto inbox = store.get("INBOX");
  ASSERT_TRUE(inbox);
  EXPECT_EQ(inbox->uid_validity, 7u);
  EXPECT_EQ(inbox->last_uid, 42u);
  EXPECT_EQ(store.get("Replies")->last_uid, 3u);
  EXPECT_FALSE(store.get("inbox"));  // names are exact
  EXPECT_EQ(sql_int("SELECT updated_at FROM mailbox_state WHERE mailbox = 'INBOX'"),
            core::to_millis(at(std::chrono::minutes(1))));
}

// UIDs and UIDVALIDITY are unsigned 32-bit numbers (RFC 3501): the largest survive the round trip.
TEST_P(MailboxStateTest, UidsUpToTheLargest32BitValueRoundTrip) {
  const std::uint32_t top = 4294967295u;
  ASSERT_TRUE(store.save("INBOX", {top, top - 1}, now()));
  auto inbox = store.get("INBOX");
  ASSERT_TRUE(inbox);
  EXPECT_EQ(inbox->uid_validity, top);
  EXPECT_EQ(inbox->last_uid, top - 1);
}

OUTREACH_ON_EACH_BACKEND(MailboxStateTest);

}  // namespace
}  // namespace outreach::storage
