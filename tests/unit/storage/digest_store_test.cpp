#include "storage/digest_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::minutes;

class DigestStoreTest : public test::BackendStorageTest {
 protected:
  DigestStoreTest() {
    db->exec("INSERT INTO campaigns(id, key, name, state, version, author, created_at, updated_at) "
             "VALUES(1, 'c', 'c', 'running', 1, 't', 0, 0)");
  }
  // An outbox row of contact `contact`, claimed (`sending`) until `lease_until` ms.
  std::int64_t message(std::int64_t contact, int step, std::int64_t lease_until, const char* status = "sending") {
    return sql_int("INSERT INTO messages(campaign_id, campaign_version, step, contact_id, status, attempts, lease_until, "
                   "updated_at) VALUES(1, 1, " + std::to_string(step) + ", " + std::to_string(contact) + ", '" + status +
                   "', 2, " + std::to_string(lease_until) + ", 0) RETURNING id");
  }
  std::vector<std::string> rows() {
    std::vector<std::string> out;
    for (const auto& m : store.left_over().take()) {
      out.push_back(std::to_string(m.message_id) + ":" + m.batch_id + ":" + to_string(m.state) + ":" +
                    m.message_status + (m.current ? ":current" : ""));
    }
    return out;
  }

  DigestStore store{*db};
  std::int64_t anna = add_contact("Anna");
};

TEST_P(DigestStoreTest, MembersJoinWithTheirClaimAndMoveWithTheirBatch) {
  auto a = message(anna, 0, 1000);
  auto b = message(anna, 1, 1000);
  ASSERT_TRUE(store.join(a, "buurthuis", "email", "batch-1", now()));
  clock.advance(minutes(1));
  ASSERT_TRUE(store.join(b, "buurthuis", "email", "batch-1", now()));
  ASSERT_TRUE(store.join(a + b + 100, "buurthuis", "email", "batch-1", now()));  // no such message: nothing
  EXPECT_EQ(store.count(), 2);
  auto left = store.left_over().take();
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].message_id, a);
  EXPECT_EQ(left[0].intermediary, "buurthuis");
  EXPECT_EQ(left[0].channel, "email");
  EXPECT_EQ(left[0].state, DigestState::waiting);
  EXPECT_TRUE(left[0].current);
  EXPECT_EQ(left[0].message_status, "sending");
  EXPECT_EQ(left[0].campaign_id, 1);
  EXPECT_EQ(left[0].campaign_version, 1);
  EXPECT_EQ(left[0].step, 0);
  EXPECT_EQ(left[0].attempts, 2);
  EXPECT_EQ(left[1].step, 1);

  ASSERT_TRUE(store.mark("batch-1", DigestState::sending, now()));
  EXPECT_EQ(rows(), (std::vector<std::string>{std::to_string(a) + ":batch-1:sending:sending:current",
                                              std::to_string(b) + ":batch-1:sending:sending:current"}));
  ASSERT_TRUE(store.mark("batch-1", DigestState::sent, now()));
  ASSERT_TRUE(store.forget("batch-2"));
  EXPECT_EQ(store.count(), 2);
  ASSERT_TRUE(store.forget("batch-1"));
  EXPECT_EQ(store.count(), 0);
}

TEST_P(DigestStoreTest, ARowSpeaksForItsMessageOnlyUnderTheClaimItJoinedWith) {
  auto reclaimed = message(anna, 0, 1000);
  auto released = message(anna, 1, 1000);
  auto gone = message(anna, 2, 1000);
  for (auto id : {reclaimed, released, gone}) ASSERT_TRUE(store.join(id, "buurthuis", "email", "b", now()));
  db->exec("UPDATE messages SET lease_until = 2000 WHERE id = " + std::to_string(reclaimed));
  db->exec("UPDATE messages SET status = 'queued', lease_until = NULL WHERE id = " + std::to_string(released));
  db->exec("DELETE FROM messages WHERE id = " + std::to_string(gone));
  EXPECT_EQ(rows(), (std::vector<std::string>{std::to_string(reclaimed) + ":b:waiting:sending",
                                              std::to_string(released) + ":b:waiting:queued",
                                              std::to_string(gone) + ":b:waiting:"}));
  // Joining again takes the new claim (and a new batch), and joins last.
  clock.advance(minutes(1));
  ASSERT_TRUE(store.join(reclaimed, "buurthuis", "email", "b2", now()));
  EXPECT_EQ(rows()[2], std::to_string(reclaimed) + ":b2:waiting:sending:current");
  EXPECT_EQ(store.count(), 3);
}

OUTREACH_ON_EACH_BACKEND(DigestStoreTest);

}  // namespace
}  // namespace outreach::storage
