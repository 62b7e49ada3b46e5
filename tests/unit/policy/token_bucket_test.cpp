#include "engine/policy/token_bucket.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace outreach::engine {
namespace {

using core::Millis;
using core::TimePoint;

class TokenBucketTest : public ::testing::Test {
 protected:
  core::ManualClock clock{core::from_millis(1'780'000'000'000)};
  int take_all(TokenBucket& b) {
    int n = 0;
    while (b.try_take(clock.now())) ++n;
    return n;
  }
};

TEST_F(TokenBucketTest, StartsFullAndAllowsBurst) {
  TokenBucket b({10, 5}, clock.now());
  EXPECT_EQ(take_all(b), 5);
  EXPECT_FALSE(b.try_take(clock.now()));
}

TEST_F(TokenBucketTest, RefillsAtRate) {
  TokenBucket b({10, 5}, clock.now());
  take_all(b);
  clock.advance(Millis(99));
  EXPECT_FALSE(b.try_take(clock.now()));
  clock.advance(Millis(1));
  EXPECT_TRUE(b.try_take(clock.now()));
  EXPECT_FALSE(b.try_take(clock.now()));
}

TEST_F(TokenBucketTest, TenSmallStepsMakeOneToken) {
  TokenBucket b({10, 1}, clock.now());
  ASSERT_TRUE(b.try_take(clock.now()));
  for (int i = 0; i < 10; ++i) clock.advance(Millis(10));
  EXPECT_TRUE(b.try_take(clock.now()));
}

TEST_F(TokenBucketTest, NeverExceedsBurst) {
  TokenBucket b({10, 3}, clock.now());
  take_all(b);
  clock.advance(std::chrono::hours(1));
  EXPECT_EQ(take_all(b), 3);
}

TEST_F(TokenBucketTest, NextAvailableIsNowWhenTokenLeft) {
  TokenBucket b({10, 2}, clock.now());
  EXPECT_EQ(b.next_available(clock.now()), clock.now());
}

TEST_F(TokenBucketTest, NextAvailableWhenEmpty) {
  TokenBucket b({4, 1}, clock.now());  // one token per 250 ms
  ASSERT_TRUE(b.try_take(clock.now()));
  const TimePoint next = b.next_available(clock.now());
  EXPECT_EQ(next, clock.now() + Millis(250));
  clock.set(next - Millis(1));
  EXPECT_FALSE(b.try_take(clock.now()));
  clock.set(next);
  EXPECT_TRUE(b.try_take(clock.now()));
}

TEST_F(TokenBucketTest, SustainedRateMatchesConfiguration) {
  TokenBucket b({80, 80}, clock.now());  // whatsapp-like
  take_all(b);
  int sent = 0;
  for (int ms = 0; ms < 10'000; ++ms) {
    clock.advance(Millis(1));
    sent += take_all(b);
  }
  EXPECT_EQ(sent, 800);
}

TEST_F(TokenBucketTest, TimeGoingBackwardsDoesNotRefill) {
  TokenBucket b({10, 1}, clock.now());
  ASSERT_TRUE(b.try_take(clock.now()));
  EXPECT_FALSE(b.try_take(clock.now() - Millis(5000)));
  EXPECT_FALSE(b.try_take(clock.now()));
}

TEST_F(TokenBucketTest, RateLimiterNeedsTokensFromChannelAndAccount) {
  RateLimiter limiter;
  limiter.set_channel_limit("sms", {10, 10}, clock.now());
  limiter.set_account_limit("twilio:AC1", {2, 2}, clock.now());
  EXPECT_TRUE(limiter.try_acquire("sms", "twilio:AC1", clock.now()));
  EXPECT_TRUE(limiter.try_acquire("sms", "twilio:AC1", clock.now()));
  EXPECT_FALSE(limiter.try_acquire("sms", "twilio:AC1", clock.now()));  // account empty
  // The failed attempt took nothing from the channel: another account still gets 8.
  int other = 0;
  while (limiter.try_acquire("sms", "twilio:AC2", clock.now())) ++other;
  EXPECT_EQ(other, 8);
}

TEST_F(TokenBucketTest, RateLimiterNextAvailableIsTheLaterBucket) {
  RateLimiter limiter;
  limiter.set_channel_limit("sms", {10, 1}, clock.now());      // 100 ms per token
  limiter.set_account_limit("twilio:AC1", {2, 1}, clock.now());  // 500 ms per token
  ASSERT_TRUE(limiter.try_acquire("sms", "twilio:AC1", clock.now()));
  EXPECT_EQ(limiter.next_available("sms", "twilio:AC1", clock.now()), clock.now() + Millis(500));
  EXPECT_EQ(limiter.next_available("sms", "other", clock.now()), clock.now() + Millis(100));
}

TEST_F(TokenBucketTest, RateLimiterUnknownKeysAreUnlimited) {
  RateLimiter limiter;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.try_acquire("telegram", "bot:1", clock.now()));
  EXPECT_EQ(limiter.next_available("telegram", "bot:1", clock.now()), clock.now());
}

}  // namespace
}  // namespace outreach::engine
