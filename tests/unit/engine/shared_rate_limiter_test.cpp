// The dispatcher's rate limits when engines share the database (engine/shared_rate_limiter.h),
// here on SQLite with a manual clock; tests/integration/storage/shared_database_test.cpp has the
// buckets under engines taking at once on PostgreSQL.
#include "engine/shared_rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/storage_fixture.h"

namespace outreach::engine {
namespace {

using std::chrono::milliseconds;

class SharedRateLimiterTest : public test::StorageTest {
 protected:
  SharedRateLimiter limiter_for_engine() {
    SharedRateLimiter l(*db);
    l.set_channel_limit("sms", {.per_second = 10, .burst = 10});
    l.set_account_limit("twilio:AC1", {.per_second = 50, .burst = 50});
    return l;
  }
  // Sends each engine makes in `seconds`, each trying every 7 ms (in turns).
  std::vector<int> run(std::vector<SharedRateLimiter*> engines, int seconds) {
    std::vector<int> sent(engines.size(), 0);
    for (int ms = 0, tick = 0; ms < seconds * 1000; ms += 7, ++tick) {
      clock.set(storage_start + milliseconds(ms));
      for (std::size_t i = 0; i < engines.size(); ++i) {  // a different engine asks first each time
        const std::size_t e = (i + static_cast<std::size_t>(tick)) % engines.size();
        while (engines[e]->try_acquire("sms", "twilio:AC1", now())) ++sent[e];
      }
    }
    return sent;
  }
  core::TimePoint storage_start = now();
};

TEST_F(SharedRateLimiterTest, TwoEnginesTogetherSendAtTheChannelsRateNotTwice) {
  auto a = limiter_for_engine();
  auto b = limiter_for_engine();
  auto sent = run({&a, &b}, 10);
  // 10 in the burst and 10 a second after: about 110 in all, however the two share them.
  EXPECT_LE(sent[0] + sent[1], 110);
  EXPECT_GE(sent[0] + sent[1], 100);
  EXPECT_GT(sent[0], 0);
  EXPECT_GT(sent[1], 0);
}

TEST_F(SharedRateLimiterTest, OneEngineAloneGetsTheWholeRate) {
  auto a = limiter_for_engine();
  auto sent = run({&a}, 10);
  EXPECT_GE(sent[0], 100);
  EXPECT_LE(sent[0], 110);
}

TEST_F(SharedRateLimiterTest, RefusedSaysWhenToTryAgainAndAnUnlimitedKeyNeverWaits) {
  auto a = limiter_for_engine();
  int n = 0;
  while (a.try_acquire("sms", "twilio:AC1", now())) ++n;
  EXPECT_EQ(n, 10);
  EXPECT_EQ(a.next_available("sms", "twilio:AC1", now()), now() + milliseconds(100));
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(a.try_acquire("email", "smtp:relay", now()));
}

TEST_F(SharedRateLimiterTest, TokensTakenAndNotSpentDoNotComeBackLaterAsABurst) {
  // At 50 a second an engine takes 5 tokens at a time.
  SharedRateLimiter a(*db), b(*db);
  for (auto* l : {&a, &b}) l->set_channel_limit("sms", {.per_second = 50, .burst = 50});
  ASSERT_TRUE(a.try_acquire("sms", "twilio:AC1", now()));  // and keeps 4
  int by_b = 0;
  while (b.try_acquire("sms", "twilio:AC1", now())) ++by_b;
  EXPECT_EQ(by_b, 45);  // the burst, less what a took
  // A second and a half later a's 4 unspent tokens are gone: it gets what the bucket holds again
  // (75 earned, 50 kept), not 50 and its stale 4.
  clock.set(now() + milliseconds(1500));
  int by_a = 0;
  while (a.try_acquire("sms", "twilio:AC1", now())) ++by_a;
  EXPECT_EQ(by_a, 50);
}

}  // namespace
}  // namespace outreach::engine
