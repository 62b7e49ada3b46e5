#include "storage/suppression_list.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "storage/server_secret.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using namespace std::chrono_literals;

core::Urn urn(const char* text) { return core::Urn::parse(text).take(); }

class SuppressionListTest : public test::BackendStorageTest {
 protected:
  std::string key = ServerSecret::from_bytes(std::string(32, 'k')).derive("suppression");
  SuppressionList list{*db, key};
};

TEST_P(SuppressionListTest, StoresAKeyedHashOfTheNormalisedAddressNeverTheAddress) {
  ASSERT_TRUE(list.add({urn("tel:06 12 34 56 78")}, "opted_out", now()));
  EXPECT_EQ(list.hash(urn("tel:+31612345678")), hmac_sha256_hex(key, "tel:+31612345678"));
  EXPECT_EQ(sql_text("SELECT address_hash FROM suppressions"), hmac_sha256_hex(key, "tel:+31612345678"));
  EXPECT_EQ(sql_int("SELECT count(*) FROM suppressions WHERE address_hash LIKE '%3161234%' OR reason LIKE '%3161234%'"), 0);
  // Another server's key gives another hash: a copied table cannot be matched against a phone book.
  SuppressionList other(*db, ServerSecret::from_bytes(std::string(32, 'x')).derive("suppression"));
  EXPECT_NE(other.hash(urn("tel:+31612345678")), list.hash(urn("tel:+31612345678")));
  EXPECT_FALSE(other.contains_any({urn("tel:+31612345678")}).take());
}

TEST_P(SuppressionListTest, FindsAnAddressWrittenAnotherWay) {
  ASSERT_TRUE(list.add({urn("tel:+31612345678"), urn("mailto:anna@example.org")}, "erased", now()));
  auto entry = list.find(urn("tel:0612345678")).take();
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->reason, "erased");
  EXPECT_EQ(entry->at, now());
  EXPECT_TRUE(list.find(urn("mailto:anna@EXAMPLE.org")).take().has_value());
  EXPECT_FALSE(list.find(urn("tel:+31687654321")).take().has_value());
  EXPECT_TRUE(list.contains_any({urn("tel:+31687654321"), urn("mailto:anna@example.org")}).take());
  EXPECT_FALSE(list.contains_any({urn("tel:+31687654321")}).take());
  EXPECT_FALSE(list.contains_any({}).take());
}

TEST_P(SuppressionListTest, KeepsTheFirstEntryButErasureReplacesAnOptOut) {
  ASSERT_TRUE(list.add({urn("tel:+31612345678")}, "opted_out", now()));
  clock.advance(1h);
  ASSERT_TRUE(list.add({urn("tel:+31612345678")}, "opted_out", now()));
  EXPECT_EQ(list.find(urn("tel:+31612345678")).take()->at, now() - 1h) << "a second STOP keeps the first date";
  ASSERT_TRUE(list.add({urn("tel:+31612345678")}, "erased_after_opt_out", now()));
  EXPECT_EQ(list.find(urn("tel:+31612345678")).take()->reason, "erased_after_opt_out");
  ASSERT_TRUE(list.add({urn("tel:+31612345678")}, "opted_out", now()));
  EXPECT_EQ(list.find(urn("tel:+31612345678")).take()->reason, "erased_after_opt_out");
  EXPECT_EQ(list.count(), 1);
}

TEST_P(SuppressionListTest, StartLiftsOnlyAnOptOutNeverAnErasure) {
  ASSERT_TRUE(list.add({urn("tel:+31612345678")}, "opted_out", now()));
  ASSERT_TRUE(list.add({urn("tel:+31687654321")}, "erased", now()));
  EXPECT_EQ(list.remove_opted_out({urn("tel:+31612345678"), urn("tel:+31687654321")}).take(), 1);
  EXPECT_FALSE(list.contains_any({urn("tel:+31612345678")}).take());
  EXPECT_TRUE(list.contains_any({urn("tel:+31687654321")}).take());
}

TEST_P(SuppressionListTest, RefusesToWorkWithoutAKey) {
  SuppressionList unkeyed(*db, "");
  auto added = unkeyed.add({urn("tel:+31612345678")}, "opted_out", now());
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().what(),
            "SuppressionList: no suppression key configured (ServerSecret::derive(\"suppression\"))");
  EXPECT_FALSE(unkeyed.contains_any({urn("tel:+31612345678")}));
  EXPECT_FALSE(unkeyed.contains_any({}));
  EXPECT_EQ(list.count(), 0);
}

TEST_P(SuppressionListTest, AFailedAddInsideATransactionLeavesNothing) {
  auto st = db->transaction([&]() -> core::Status {
    if (auto a = list.add({urn("tel:+31612345678")}, "opted_out", now()); !a) return a;
    return core::Error::invalid("later step failed");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(list.count(), 0);
}

OUTREACH_ON_EACH_BACKEND(SuppressionListTest);

}  // namespace
}  // namespace outreach::storage
