// The parts of moving to PostgreSQL (storage/database_copy.h) that need no server: the order the
// tables are copied in, and what is refused before anything is written. The copy itself runs
// against a real PostgreSQL in tests/integration/storage/database_copy_test.cpp.
#include "storage/database_copy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "storage/sql.h"
#include "tests/support/storage_fixture.h"

namespace outreach::storage {
namespace {

class CopyOrderTest : public test::StorageTest {
 protected:
  std::vector<std::string> tables() {
    std::vector<std::string> out;
    Statement st(*db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name");
    while (st.executeStep()) out.push_back(st.getColumn(0).getString());
    return out;
  }
};

TEST_F(CopyOrderTest, EveryTableOfTheLatestSchemaComesAfterTheTablesItReferences) {
  auto order = copy_order(*db);
  ASSERT_TRUE(order) << order.error().what();
  auto sorted = *order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, tables()) << "every table once";
  auto pos = [&](const std::string& t) { return std::find(order->begin(), order->end(), t) - order->begin(); };
  int references = 0;
  for (const auto& child : *order) {
    Statement fk(*db, "SELECT \"table\" FROM pragma_foreign_key_list(?)");
    fk.bind(1, child);
    while (fk.executeStep()) {
      const std::string parent = fk.getColumn(0).getString();
      if (parent == child) continue;
      EXPECT_LT(pos(parent), pos(child)) << parent << " must be copied before " << child;
      ++references;
    }
  }
  EXPECT_GT(references, 20);
}

TEST_F(CopyOrderTest, ForeignKeysInACycleAreNamed) {
  db->exec("CREATE TABLE hens(id INTEGER PRIMARY KEY, egg_id INTEGER REFERENCES eggs(id))");
  db->exec("CREATE TABLE eggs(id INTEGER PRIMARY KEY, hen_id INTEGER REFERENCES hens(id))");
  auto order = copy_order(*db);
  ASSERT_FALSE(order);
  EXPECT_NE(order.error().what().find("form a cycle, no order copies parents first: eggs, hens"), std::string::npos)
      << order.error().what();
}

TEST_F(CopyOrderTest, ASqliteTargetIsRefusedBeforeAnythingIsRead) {
  auto other = Database::open(":memory:").take();
  auto copied = copy_database(*db, *other);
  ASSERT_FALSE(copied);
  EXPECT_EQ(copied.error().code, core::ErrorCode::invalid_input);
  EXPECT_NE(copied.error().what().find("the target must be a PostgreSQL database"), std::string::npos)
      << copied.error().what();
}

}  // namespace
}  // namespace outreach::storage
