#include "storage/followup_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "storage/case_store.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class FollowupStoreTest : public test::BackendStorageTest {
 protected:
  std::int64_t open_case(std::int64_t contact, const std::string& municipality = "GM0599") {
    return CaseStore(*db).open(contact, municipality, std::nullopt, now(), now() + hours(72), "engine").take();
  }
  std::int64_t schedule(std::int64_t case_id, core::Millis after = hours(0), const std::string& reason = "closed") {
    return store.schedule(case_id, anna, "GM0599", reason, at(after), now()).take().value();
  }
  std::vector<std::int64_t> ids(const std::vector<Followup>& rows) {
    std::vector<std::int64_t> out;
    for (const auto& f : rows) out.push_back(f.id);
    return out;
  }

  FollowupStore store{*db};
  std::int64_t anna = add_contact("Anna");
};

TEST_P(FollowupStoreTest, ACaseGetsOneFollowupWhateverItsState) {
  auto c = open_case(anna);
  auto id = schedule(c, hours(24));
  EXPECT_FALSE(store.schedule(c, anna, "GM0599", "stalled", at(hours(1)), now()).take());
  auto f = store.get(id).take();
  EXPECT_EQ(f.case_id, c);
  EXPECT_EQ(f.contact_id, anna);
  EXPECT_EQ(f.municipality, "GM0599");
  EXPECT_EQ(f.reason, "closed");
  EXPECT_EQ(f.status, "pending");
  EXPECT_EQ(f.delivery, "");
  EXPECT_EQ(f.attempts, 0);
  EXPECT_EQ(f.due_at, at(hours(24)));
  EXPECT_EQ(f.created_at, now());
  EXPECT_FALSE(f.sent_at);
  EXPECT_FALSE(f.score);
  EXPECT_EQ(store.for_case(c)->id, id);
  EXPECT_FALSE(store.for_case(c + 1));
  EXPECT_EQ(store.get(id + 1).error().code, core::ErrorCode::not_found);
  EXPECT_EQ(store.schedule(c, anna, "GM0599", "bored", now(), now()).error().where, "reason");
}

TEST_P(FollowupStoreTest, DueListsPendingOffTheWireEarliestFirst) {
  add_municipality("GM0518");
  auto late = schedule(open_case(anna), hours(2));
  auto early = schedule(open_case(anna, "GM0518"), hours(1));
  auto later = schedule(open_case(add_contact("Bert")), hours(30));
  EXPECT_TRUE(store.due(now(), 10).empty());
  EXPECT_EQ(store.next_due(), at(hours(1)));
  EXPECT_EQ(ids(store.due(at(hours(2)), 10)), (std::vector<std::int64_t>{early, late}));
  EXPECT_EQ(ids(store.due(at(hours(2)), 1)), (std::vector<std::int64_t>{early}));

  ASSERT_TRUE(store.mark_sending(early, "sms", at(hours(2) + minutes(5)), at(hours(2))).take());
  EXPECT_FALSE(store.mark_sending(early, "sms", at(hours(2) + minutes(5)), at(hours(2))).take());  // claimed
  EXPECT_FALSE(store.mark_sending(later, "sms", at(hours(2) + minutes(5)), at(hours(2))).take());  // not due
  EXPECT_EQ(ids(store.due(at(hours(2)), 10)), (std::vector<std::int64_t>{late}));
  EXPECT_EQ(store.next_due(), at(hours(2)));
  auto f = store.get(early).take();
  EXPECT_EQ(f.delivery, "sending");
  EXPECT_EQ(f.channel, "sms");
  EXPECT_EQ(f.attempts, 1);

  ASSERT_TRUE(store.mark_skipped(late, "no_channel"));
  ASSERT_TRUE(store.mark_skipped(later, "policy"));
  EXPECT_EQ(store.get(late)->skip_reason, "no_channel");
  EXPECT_FALSE(store.next_due());
  EXPECT_EQ(store.mark_skipped(late, "again").error().code, core::ErrorCode::conflict);
}

TEST_P(FollowupStoreTest, ASendIsSentDeferredOrInDoubtAndALeaseThatRunsOutIsInDoubt) {
  add_municipality("GM0518");
  auto a = schedule(open_case(anna));
  auto b = schedule(open_case(anna, "GM0518"));
  auto c = schedule(open_case(add_contact("Bert")));
  for (auto id : {a, b, c}) ASSERT_TRUE(store.mark_sending(id, "email", at(minutes(5)), now()).take());

  ASSERT_TRUE(store.mark_sent(a, "prov-1", at(minutes(1))));
  auto sent = store.get(a).take();
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.delivery, "");
  EXPECT_EQ(sent.provider_id, "prov-1");
  EXPECT_EQ(sent.sent_at, at(minutes(1)));
  EXPECT_EQ(store.mark_sent(a, "prov-1", at(minutes(1))).error().code, core::ErrorCode::conflict);

  ASSERT_TRUE(store.defer(b, at(hours(1)), "send window"));
  auto deferred = store.get(b).take();
  EXPECT_EQ(deferred.status, "pending");
  EXPECT_EQ(deferred.delivery, "");
  EXPECT_EQ(deferred.delivery_reason, "send window");
  EXPECT_EQ(deferred.due_at, at(hours(1)));

  EXPECT_EQ(store.expire_leases(at(minutes(5))).take(), 0);  // the lease holds until its end
  EXPECT_EQ(store.expire_leases(at(minutes(6))).take(), 1);
  auto doubt = store.get(c).take();
  EXPECT_EQ(doubt.delivery, "unknown");
  EXPECT_EQ(doubt.delivery_reason, "lease expired while sending");
  EXPECT_EQ(store.mark_unknown(c, "again").error().code, core::ErrorCode::conflict);
  EXPECT_TRUE(store.due(at(hours(5)), 10).size() == 1u);  // b only: c is never resent
}

TEST_P(FollowupStoreTest, AReplyAnswersTheLatestSendAndProvesOneInDoubtArrived) {
  add_municipality("GM0518");
  auto first = schedule(open_case(anna));
  auto second = schedule(open_case(anna, "GM0518"));
  ASSERT_TRUE(store.mark_sending(first, "sms", at(minutes(5)), now()).take());
  ASSERT_TRUE(store.mark_sent(first, "", at(minutes(1))));
  EXPECT_EQ(store.get(first)->provider_id, "");
  ASSERT_TRUE(store.mark_sending(second, "sms", at(minutes(5)), now()).take());
  ASSERT_TRUE(store.mark_unknown(second, "timeout"));

  EXPECT_EQ(store.awaiting_answer(anna, now())->id, second);
  ASSERT_TRUE(store.record_answer(second, 2, "Niemand belde", at(hours(1))));
  auto answered = store.get(second).take();
  EXPECT_EQ(answered.status, "answered");
  EXPECT_EQ(answered.score, 2);
  EXPECT_EQ(answered.comment, "Niemand belde");
  EXPECT_EQ(answered.answered_at, at(hours(1)));
  EXPECT_EQ(answered.sent_at, at(hours(1)));  // counts as sent when answered
  EXPECT_EQ(answered.delivery, "");

  EXPECT_EQ(store.awaiting_answer(anna, now())->id, first);
  EXPECT_FALSE(store.awaiting_answer(anna, at(minutes(2))));  // sent before `since`
  ASSERT_TRUE(store.record_answer(first, std::nullopt, "", at(hours(2))));
  auto no_score = store.get(first).take();
  EXPECT_FALSE(no_score.score);
  EXPECT_EQ(no_score.comment, "");
  EXPECT_EQ(no_score.sent_at, at(minutes(1)));
  EXPECT_FALSE(store.awaiting_answer(anna, now()));
  EXPECT_EQ(store.record_answer(first, 6, "", at(hours(2))).error().where, "score");
  EXPECT_EQ(store.record_answer(first, 3, "", at(hours(2))).error().code, core::ErrorCode::conflict);

  ASSERT_TRUE(store.mark_reopened(second, at(hours(3))));
  EXPECT_EQ(store.get(second)->reopened_at, at(hours(3)));
  EXPECT_EQ(store.mark_reopened(second + 100, at(hours(3))).error().code, core::ErrorCode::conflict);
}

TEST_P(FollowupStoreTest, SendsToListsTheFollowupsSentToThePersonSince) {
  add_municipality("GM0518");
  auto a = schedule(open_case(anna));
  auto b = schedule(open_case(anna, "GM0518"));
  schedule(open_case(add_contact("Bert")));
  for (auto [id, when] : {std::pair{a, minutes(1)}, std::pair{b, minutes(30)}}) {
    ASSERT_TRUE(store.mark_sending(id, "sms", at(hours(1)), now()).take());
    ASSERT_TRUE(store.mark_sent(id, "p", at(when)));
  }
  auto sends = store.sends_to(anna, at(minutes(1)));
  std::sort(sends.begin(), sends.end());
  EXPECT_EQ(sends, (std::vector<core::TimePoint>{at(minutes(1)), at(minutes(30))}));
  EXPECT_EQ(store.sends_to(anna, at(minutes(2))).size(), 1u);
}

TEST_P(FollowupStoreTest, AMunicipalityListsItsFollowupsNewestFirst) {
  add_municipality("GM0518");
  auto first = schedule(open_case(anna));
  clock.advance(hours(1));
  auto second = schedule(open_case(add_contact("Bert")));
  clock.advance(hours(1));
  store.schedule(open_case(anna, "GM0518"), anna, "GM0518", "closed", now(), now()).take();
  EXPECT_EQ(ids(store.for_municipality("GM0599", 10)), (std::vector<std::int64_t>{second, first}));
  EXPECT_EQ(ids(store.for_municipality("GM0599", 1)), (std::vector<std::int64_t>{second}));
  EXPECT_EQ(store.for_municipality("GM0518", 10).size(), 1u);
}

TEST_P(FollowupStoreTest, StalledCasesAreAcknowledgedLongAgoWithNoFollowupOldestFirst) {
  CaseStore cases(*db);
  add_municipality("GM0518");
  auto bert = add_contact("Bert");
  auto older = open_case(bert);
  auto acked = open_case(anna);
  auto asked = open_case(anna, "GM0518");
  auto still_open = open_case(add_contact("Cor"));
  ASSERT_TRUE(cases.set_status(older, "acknowledged", "gm", now()));
  clock.advance(hours(1));
  ASSERT_TRUE(cases.set_status(acked, "acknowledged", "gm", now()));
  ASSERT_TRUE(cases.set_status(asked, "acknowledged", "gm", now()));
  store.schedule(asked, anna, "GM0518", "stalled", now(), now()).take();
  (void)still_open;
  EXPECT_EQ(store.stalled_cases(now(), 10), (std::vector<std::int64_t>{older, acked}));
  EXPECT_EQ(store.stalled_cases(now() - minutes(1), 10), (std::vector<std::int64_t>{older}));
  EXPECT_EQ(store.stalled_cases(now(), 1), (std::vector<std::int64_t>{older}));
}

OUTREACH_ON_EACH_BACKEND(FollowupStoreTest);

}  // namespace
}  // namespace outreach::storage
