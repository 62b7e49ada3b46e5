#include "storage/suppression_list.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

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

// Hashes stored with the addresses (storage/contact_store.h) spare a list page the hashing, but only
// one made under this list's key counts: after a server secret is replaced, the address is hashed.
TEST_P(SuppressionListTest, AStoredHashCountsOnlyUnderTheKeyItWasMadeWith) {
  SuppressionList other(*db, ServerSecret::from_bytes(std::string(32, 'x')).derive("suppression"));
  EXPECT_EQ(list.key_id().size(), 16u);
  EXPECT_NE(list.key_id(), other.key_id());
  EXPECT_EQ(list.hash(urn("tel:+31612345678")).find(list.key_id()), std::string::npos);
  ASSERT_TRUE(list.add({urn("tel:+31612345678")}, "opted_out", now()));
  const auto anna = urn("tel:+31612345678"), bram = urn("tel:+31687654321");
  const std::string stale = other.hash(anna), mine = list.key_id(), theirs = other.key_id(), none;
  const auto looked_up = [&](const std::string& stored, const std::string& key) {
    return list.suppressed_hashes({list.hash_of(anna, stored, key), list.hash_of(bram, "", "")}).take();
  };
  // Anna's hash from the old key, named as such: hashed again, and found.
  EXPECT_EQ(looked_up(stale, theirs), (std::vector<bool>{true, false}));
  // The same stale hash claiming this key is used as given (which is why the key id is stored with it).
  EXPECT_EQ(looked_up(stale, mine), (std::vector<bool>{false, false}));
  EXPECT_EQ(looked_up(list.hash(anna), mine), (std::vector<bool>{true, false}));
  EXPECT_EQ(looked_up(none, mine), (std::vector<bool>{true, false})) << "no stored hash: hashed";
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
