#include "engine/policy/retry_policy.h"

#include <gtest/gtest.h>

#include <optional>

namespace outreach::engine {
namespace {

using core::Millis;

RetryConfig config() { return {Millis(1000), Millis(60'000), 6}; }

TEST(RetryPolicy, CeilingDoublesUpToCap) {
  RetryPolicy p(config(), [] { return 0.0; });
  EXPECT_EQ(p.ceiling(1), Millis(1000));
  EXPECT_EQ(p.ceiling(2), Millis(2000));
  EXPECT_EQ(p.ceiling(5), Millis(16000));
  EXPECT_EQ(p.ceiling(7), Millis(60000));
  EXPECT_EQ(p.ceiling(200), Millis(60000));  // no overflow
}

TEST(RetryPolicy, FullJitterScalesTheCeiling) {
  double u = 0.5;
  RetryPolicy p(config(), [&] { return u; });
  EXPECT_EQ(p.next_delay(1), Millis(500));
  EXPECT_EQ(p.next_delay(3), Millis(2000));
  u = 0.0;
  EXPECT_EQ(p.next_delay(3), Millis(0));
  u = 0.999;
  EXPECT_EQ(p.next_delay(3), Millis(3996));
}

TEST(RetryPolicy, ExhaustedAttemptsGiveNullopt) {
  RetryPolicy p(config(), [] { return 0.5; });
  EXPECT_TRUE(p.next_delay(5).has_value());
  EXPECT_EQ(p.next_delay(6), std::nullopt);
  EXPECT_EQ(p.next_delay(7, Millis(10)), std::nullopt);
}

TEST(RetryPolicy, RetryAfterWinsWhenLonger) {
  RetryPolicy p(config(), [] { return 0.5; });
  EXPECT_EQ(p.next_delay(1, Millis(30'000)), Millis(30'000));
  EXPECT_EQ(p.next_delay(1, Millis(100)), Millis(500));
  EXPECT_EQ(p.next_delay(1, Millis(0)), Millis(500));
}

TEST(RetryPolicy, SeededPolicyIsDeterministicAndWithinBounds) {
  RetryPolicy a(config(), std::uint64_t{42});
  RetryPolicy b(config(), std::uint64_t{42});
  for (int attempt = 1; attempt < 6; ++attempt) {
    const auto da = a.next_delay(attempt);
    ASSERT_TRUE(da.has_value());
    EXPECT_EQ(da, b.next_delay(attempt));
    EXPECT_GE(*da, Millis(0));
    EXPECT_LE(*da, a.ceiling(attempt));
  }
}

TEST(RetryPolicy, JitterSpreadsDelays) {
  RetryPolicy p(config(), std::uint64_t{7});
  Millis lo = Millis::max(), hi = Millis::min();
  for (int i = 0; i < 200; ++i) {
    const auto d = *p.next_delay(4);  // ceiling 8 s
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, Millis(1000));
  EXPECT_GT(hi, Millis(7000));
}

TEST(RetryPolicy, OneAttemptMeansNoRetry) {
  RetryPolicy p({Millis(1000), Millis(2000), 1}, [] { return 0.5; });
  EXPECT_EQ(p.next_delay(1), std::nullopt);
}

}  // namespace
}  // namespace outreach::engine
