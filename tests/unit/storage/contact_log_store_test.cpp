#include "storage/contact_log_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::minutes;

class ContactLogStoreTest : public test::BackendStorageTest {
 protected:
  ContactLog log(std::int64_t contact, const std::string& collector = "vera", const std::string& outcome = "not_reached") {
    ContactLog l;
    l.contact_id = contact;
    l.collector = collector;
    l.mode = "phone";
    l.outcome = outcome;
    l.at = now();
    return l;
  }
  std::vector<std::int64_t> ids(const std::vector<ContactLog>& logs) {
    std::vector<std::int64_t> out;
    for (const auto& l : logs) out.push_back(l.id);
    return out;
  }

  ContactLogStore store{*db};
  std::int64_t anna = add_contact("Anna");
};

TEST_P(ContactLogStoreTest, ALogIsCheckedThenKeptAsWritten) {
  auto l = log(anna, "vera", "reached_wants_help");
  l.mode = "visit";
  l.follow_up = "na 18:00 terugbellen";
  l.note = "Zoon neemt op";
  auto id = store.add(l).take();
  auto logs = store.for_contact(anna);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].id, id);
  EXPECT_EQ(logs[0].collector, "vera");
  EXPECT_EQ(logs[0].mode, "visit");
  EXPECT_EQ(logs[0].outcome, "reached_wants_help");
  EXPECT_EQ(logs[0].follow_up, "na 18:00 terugbellen");
  EXPECT_EQ(logs[0].note, "Zoon neemt op");
  EXPECT_EQ(logs[0].at, now());
  EXPECT_EQ(store.count(), 1);

  auto bad = log(anna);
  bad.mode = "pigeon";
  EXPECT_EQ(store.add(bad).error().where, "mode");
  bad = log(anna, "vera", "maybe");
  EXPECT_EQ(store.add(bad).error().where, "outcome");
  bad = log(anna);
  bad.note = std::string(kMaxContactNote + 1, 'x');
  EXPECT_EQ(store.add(bad).error().where, "note");
  bad.note = std::string(kMaxContactNote, 'x');
  EXPECT_TRUE(store.add(bad));
  EXPECT_EQ(store.add(log(anna + 100)).error().code, core::ErrorCode::invalid_input);  // no such person
  EXPECT_EQ(store.count(), 2);
}

TEST_P(ContactLogStoreTest, ACollectorsLogsNewestFirstAndAPersonsOldestFirst) {
  auto bert = add_contact("Bert");
  auto a1 = store.add(log(anna)).take();
  clock.advance(minutes(1));
  auto b1 = store.add(log(bert)).take();
  auto a2 = store.add(log(anna, "ivo")).take();
  auto a3 = store.add(log(anna)).take();
  EXPECT_EQ(ids(store.for_contact(anna)), (std::vector<std::int64_t>{a1, a2, a3}));
  EXPECT_EQ(ids(store.by_collector("vera", 10).take()), (std::vector<std::int64_t>{a3, b1, a1}));
  EXPECT_EQ(ids(store.by_collector("vera", 2).take()), (std::vector<std::int64_t>{a3, b1}));
  EXPECT_TRUE(store.by_collector("nobody", 10)->empty());
}

TEST_P(ContactLogStoreTest, AnIntermediaryReportEntryIsRecordedOnce) {
  IntermediaryReportKey key{"buurthuis", "batch-1", "ref-7", "reached_no_help"};
  EXPECT_FALSE(store.has_intermediary_report(key));
  auto id = store.add(log(anna, "buurthuis", "reached_no_help")).take();
  ASSERT_TRUE(store.link_intermediary_report(key, id, now()));
  EXPECT_TRUE(store.has_intermediary_report(key));
  IntermediaryReportKey other = key;
  other.outcome = "not_reached";
  EXPECT_FALSE(store.has_intermediary_report(other));
  auto again = store.link_intermediary_report(key, id, now());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::conflict);
}

OUTREACH_ON_EACH_BACKEND(ContactLogStoreTest);

}  // namespace
}  // namespace outreach::storage
