#include "storage/notice_queue.h"

#include <gtest/gtest.h>

#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

class NoticeQueueTest : public test::BackendStorageTest {
 protected:
  Notice notice(const std::string& delivery_id, bool dedupes = true) {
    Notice n;
    n.delivery_id = delivery_id;
    n.case_id = 7;
    n.event = "case.escalated";
    n.owner = "GM0599";
    n.payload = R"({"case_id":7})";
    n.receiver_dedupes = dedupes;
    n.due_at = clock.now();
    return n;
  }
};

TEST_P(NoticeQueueTest, OneNoticePerCaseAndEvent) {
  NoticeQueue q(*db);
  EXPECT_TRUE(q.enqueue(notice("escalation-7-escalated_hub"), clock.now()).take());
  EXPECT_FALSE(q.enqueue(notice("escalation-7-escalated_hub"), clock.now()).take()) << "a second enqueue adds nothing";
  EXPECT_TRUE(q.enqueue(notice("escalation-7-escalated_fallback"), clock.now()).take());
  EXPECT_EQ(q.due(clock.now(), 10).take().size(), 2u);
}

TEST_P(NoticeQueueTest, AfterACrashANoticeInFlightGoesAgainOnlyWhenItsReceiverDedupes) {
  NoticeQueue q(*db);
  ASSERT_TRUE(q.enqueue(notice("a", true), clock.now()));
  ASSERT_TRUE(q.enqueue(notice("b", false), clock.now()));
  for (const auto& n : q.due(clock.now(), 10).take()) ASSERT_TRUE(q.mark_sending(n.id, clock.now()).take());
  EXPECT_TRUE(q.due(clock.now(), 10).take().empty()) << "in flight: not due again";
  auto r = q.recover(clock.now()).take();
  EXPECT_EQ(r.requeued, 1);
  EXPECT_EQ(r.unknown, 1);
  EXPECT_EQ(q.get("a").take().status, NoticeStatus::pending);
  EXPECT_EQ(q.get("a").take().attempts, 1);
  EXPECT_EQ(q.get("b").take().status, NoticeStatus::unknown);
  ASSERT_EQ(q.due(clock.now(), 10).take().size(), 1u);
}

TEST_P(NoticeQueueTest, ARetryWaitsForItsTimeAndADeliveredNoticeIsNotDueAgain) {
  NoticeQueue q(*db);
  ASSERT_TRUE(q.enqueue(notice("a"), clock.now()));
  const auto id = q.get("a").take().id;
  ASSERT_TRUE(q.mark_sending(id, clock.now()).take());
  ASSERT_TRUE(q.mark_retry(id, clock.now() + std::chrono::seconds(30), "503", clock.now()));
  EXPECT_TRUE(q.due(clock.now(), 10).take().empty());
  EXPECT_EQ(q.next_due(), clock.now() + std::chrono::seconds(30));
  clock.advance(std::chrono::seconds(30));
  ASSERT_EQ(q.due(clock.now(), 10).take().size(), 1u);
  ASSERT_TRUE(q.mark_sending(id, clock.now()).take());
  ASSERT_TRUE(q.mark_delivered(id, clock.now()));
  EXPECT_FALSE(q.mark_sending(id, clock.now()).take()) << "delivered: never sent again";
  EXPECT_EQ(q.get("a").take().attempts, 2);
  EXPECT_EQ(q.count_by_status()["delivered"], 1);
}

TEST_P(NoticeQueueTest, OnlyUnknownOrFailedNoticesCanBeSentAgainOnPurpose) {
  NoticeQueue q(*db);
  for (const char* id : {"delivered", "unknown", "failed", "pending"}) ASSERT_TRUE(q.enqueue(notice(id, false), clock.now()));
  auto id_of = [&](const char* d) { return q.get(d).take().id; };
  ASSERT_TRUE(q.mark_sending(id_of("delivered"), clock.now()).take());
  ASSERT_TRUE(q.mark_delivered(id_of("delivered"), clock.now()));
  ASSERT_TRUE(q.mark_sending(id_of("failed"), clock.now()).take());
  ASSERT_TRUE(q.mark_failed(id_of("failed"), "410 gone", clock.now()));
  ASSERT_TRUE(q.mark_sending(id_of("unknown"), clock.now()).take());
  ASSERT_EQ(q.recover(clock.now()).take().unknown, 1);

  EXPECT_EQ(q.list(NoticeStatus::unknown, 10).take().size(), 1u);
  EXPECT_EQ(q.list(std::nullopt, 10).take().size(), 4u);
  EXPECT_EQ(q.list(std::nullopt, 10).take().front().delivery_id, "pending") << "newest first";

  clock.advance(std::chrono::minutes(5));
  const auto n = q.redrive({id_of("delivered"), id_of("unknown"), id_of("failed"), id_of("pending"), 999}, clock.now());
  ASSERT_TRUE(n) << n.error().what();
  EXPECT_EQ(*n, 2) << "a delivered or pending notice is left alone";
  EXPECT_EQ(q.get("delivered").take().status, NoticeStatus::delivered);
  const auto again = q.get("unknown").take();
  EXPECT_EQ(again.status, NoticeStatus::pending);
  EXPECT_EQ(again.attempts, 0);
  EXPECT_EQ(again.due_at, clock.now());
  EXPECT_EQ(q.due(clock.now(), 10).take().size(), 3u);
  EXPECT_EQ(parse_notice_status("unknown").take(), NoticeStatus::unknown);
  EXPECT_FALSE(parse_notice_status("lost"));
}

OUTREACH_ON_EACH_BACKEND(NoticeQueueTest);

}  // namespace
}  // namespace outreach::storage
