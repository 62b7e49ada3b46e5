// Token buckets in the database (storage/rate_buckets.h), on both backends.
#include "storage/rate_buckets.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::milliseconds;

class RateBucketsTest : public test::BackendStorageTest {
 protected:
  RateGrant take(const std::string& key, int want, core::TimePoint at) {
    return buckets.take(key, /*per_second=*/2, /*burst=*/5, want, at).take();
  }
  RateBuckets buckets{*db};
};

TEST_P(RateBucketsTest, ABucketStartsFullAndRefillsAtItsRate) {
  EXPECT_EQ(take("channel:sms", 3, now()).taken, 3);
  EXPECT_EQ(take("channel:sms", 10, now()).taken, 2);  // the burst is 5
  auto empty = take("channel:sms", 1, now());
  EXPECT_EQ(empty.taken, 0);
  EXPECT_EQ(empty.next_token, now() + milliseconds(500));  // 2 a second
  EXPECT_EQ(take("channel:sms", 10, now() + milliseconds(499)).taken, 0);
  EXPECT_EQ(take("channel:sms", 10, now() + milliseconds(1600)).taken, 3);  // 3.2 tokens by then
  EXPECT_EQ(take("channel:sms", 10, now() + milliseconds(60'000)).taken, 5);  // never more than the burst
}

TEST_P(RateBucketsTest, EachKeyIsABucketOfItsOwn) {
  EXPECT_EQ(take("channel:sms", 5, now()).taken, 5);
  EXPECT_EQ(take("account:twilio:AC1", 5, now()).taken, 5);
  EXPECT_EQ(take("channel:sms", 1, now()).taken, 0);
}

TEST_P(RateBucketsTest, AnEngineWhoseClockIsBehindGetsNoExtraTokens) {
  EXPECT_EQ(take("channel:sms", 5, now() + milliseconds(10'000)).taken, 5);
  // Another engine's clock is 10 s behind: it sees an empty bucket, not one refilled for 10 s.
  EXPECT_EQ(take("channel:sms", 5, now()).taken, 0);
  EXPECT_EQ(take("channel:sms", 5, now() + milliseconds(10'500)).taken, 1);
}

OUTREACH_ON_EACH_BACKEND(RateBucketsTest);

}  // namespace
}  // namespace outreach::storage
