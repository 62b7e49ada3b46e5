// Database::transaction on each backend: commit, rollback on an error or an exception, nested
// calls as savepoints (a failed one undoes only its own writes, and on PostgreSQL leaves the outer
// transaction usable: a failed statement there aborts the transaction unless its savepoint is
// rolled back).
#include "storage/database.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

class TransactionTest : public test::BackendStorageTest {
 protected:
  void add_region_raw(const std::string& code) {
    db->exec("INSERT INTO regions(code, name, hub_code) VALUES('" + code + "', 'x', 'GM0599')");
  }
  std::int64_t regions() { return sql_int("SELECT count(*) FROM regions"); }
  std::string codes() {
    std::string out;
    Statement st(*db, "SELECT code FROM regions ORDER BY code");
    while (st.executeStep()) out += (out.empty() ? "" : ",") + st.getColumn(0).getString();
    return out;
  }
  // The backend's own words for a second region "a", after the operation's name (PostgreSQL's
  // without its DETAIL line, which would repeat the value).
  std::string unique_failed() const {
    return on_postgres() ? "transaction: duplicate key value violates unique constraint \"regions_pkey\""
                         : "transaction: UNIQUE constraint failed: regions.code";
  }
};

TEST_P(TransactionTest, TransactionCommitsOnSuccess) {
  ASSERT_TRUE(db->transaction([&]() -> core::Status {
    add_region_raw("a");
    add_region_raw("b");
    return {};
  }));
  EXPECT_EQ(regions(), 2);
}

TEST_P(TransactionTest, TransactionRollsBackOnError) {
  auto st = db->transaction([&]() -> core::Status {
    add_region_raw("a");
    return core::Error::invalid("row 2 is wrong", "import.csv:2");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().what(), "import.csv:2: row 2 is wrong");
  EXPECT_EQ(regions(), 0);
}

TEST_P(TransactionTest, TransactionRollsBackOnException) {
  auto st = db->transaction([&]() -> core::Status {
    add_region_raw("a");
    add_region_raw("a");  // primary key violation throws
    return {};
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(st.error().what(), unique_failed());
  EXPECT_EQ(regions(), 0);
  // The connection is usable afterwards: no transaction was left open.
  ASSERT_TRUE(db->transaction([&]() -> core::Status {
    add_region_raw("b");
    return {};
  }));
  EXPECT_EQ(regions(), 1);
}

TEST_P(TransactionTest, ErrorExceptionKeepsItsError) {
  auto st = db->transaction([&]() -> core::Status {
    add_region_raw("a");
    throw core::ErrorException(core::Error::not_found("no such thing", "here"));
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(st.error().what(), "here: no such thing");
  EXPECT_EQ(regions(), 0);
}

TEST_P(TransactionTest, NestedTransactionJoinsTheOuterOne) {
  auto st = db->transaction([&]() -> core::Status {
    add_region_raw("a");
    EXPECT_TRUE(db->transaction([&]() -> core::Status {
      add_region_raw("b");
      return {};
    }));
    return core::Error::invalid("outer fails");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(regions(), 0);  // the inner work went with the outer rollback
}

TEST_P(TransactionTest, FailedNestedTransactionUndoesOnlyItsOwnWrites) {
  auto st = db->transaction([&]() -> core::Status {
    add_region_raw("a");
    auto inner = db->transaction([&]() -> core::Status {
      add_region_raw("b");
      return core::Error::invalid("inner fails");
    });
    EXPECT_EQ(inner.error().what(), "inner fails");
    auto thrown = db->transaction([&]() -> core::Status {
      add_region_raw("c");
      add_region_raw("a");  // throws inside the nested call: reported, not propagated
      return {};
    });
    EXPECT_EQ(thrown.error().code, core::ErrorCode::conflict);
    EXPECT_EQ(thrown.error().what(), unique_failed());
    add_region_raw("d");
    return {};
  });
  ASSERT_TRUE(st);
  EXPECT_EQ(codes(), "a,d");
}

OUTREACH_ON_EACH_BACKEND(TransactionTest);

}  // namespace
}  // namespace outreach::storage
