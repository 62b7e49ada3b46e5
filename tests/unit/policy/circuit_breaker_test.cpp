#include "engine/policy/circuit_breaker.h"

#include <gtest/gtest.h>

namespace outreach::engine {
namespace {

using core::Millis;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  core::ManualClock clock{core::from_millis(1'780'000'000'000)};
  CircuitBreakerConfig config{3, Millis(30'000)};

  void fail(CircuitBreaker& cb, int n) {
    for (int i = 0; i < n; ++i) cb.record_failure(clock.now());
  }
  // Opens the breaker and lets the cool-down pass.
  void to_half_open(CircuitBreaker& cb) {
    fail(cb, config.failure_threshold);
    clock.advance(config.cool_down);
  }
};

TEST_F(CircuitBreakerTest, StartsClosedAndAllows) {
  CircuitBreaker cb(config);
  EXPECT_EQ(cb.state(clock.now()), CircuitState::closed);
  EXPECT_TRUE(cb.allow(clock.now()));
}

TEST_F(CircuitBreakerTest, ClosedToOpenAfterConsecutiveFailures) {
  CircuitBreaker cb(config);
  fail(cb, 2);
  EXPECT_EQ(cb.state(clock.now()), CircuitState::closed);
  fail(cb, 1);
  EXPECT_EQ(cb.state(clock.now()), CircuitState::open);
  EXPECT_FALSE(cb.allow(clock.now()));
}

TEST_F(CircuitBreakerTest, SuccessResetsTheConsecutiveCount) {
  CircuitBreaker cb(config);
  fail(cb, 2);
  cb.record_success(clock.now());
  fail(cb, 2);
  EXPECT_EQ(cb.state(clock.now()), CircuitState::closed);
  EXPECT_EQ(cb.consecutive_failures(), 2);
}

TEST_F(CircuitBreakerTest, OpenStaysOpenDuringCoolDown) {
  CircuitBreaker cb(config);
  fail(cb, 3);
  clock.advance(config.cool_down - Millis(1));
  EXPECT_EQ(cb.state(clock.now()), CircuitState::open);
  EXPECT_FALSE(cb.allow(clock.now()));
}

TEST_F(CircuitBreakerTest, OpenToHalfOpenAfterCoolDown) {
  CircuitBreaker cb(config);
  to_half_open(cb);
  EXPECT_EQ(cb.state(clock.now()), CircuitState::half_open);
}

TEST_F(CircuitBreakerTest, HalfOpenAllowsExactlyOneProbe) {
  CircuitBreaker cb(config);
  to_half_open(cb);
  EXPECT_TRUE(cb.allow(clock.now()));
  EXPECT_FALSE(cb.allow(clock.now()));
  clock.advance(Millis(1000));
  EXPECT_FALSE(cb.allow(clock.now()));
  EXPECT_EQ(cb.state(clock.now()), CircuitState::half_open);
}

TEST_F(CircuitBreakerTest, ProbeSuccessCloses) {
  CircuitBreaker cb(config);
  to_half_open(cb);
  ASSERT_TRUE(cb.allow(clock.now()));
  cb.record_success(clock.now());
  EXPECT_EQ(cb.state(clock.now()), CircuitState::closed);
  EXPECT_TRUE(cb.allow(clock.now()));
  EXPECT_TRUE(cb.allow(clock.now()));
  fail(cb, 2);  // the count starts afresh
  EXPECT_EQ(cb.state(clock.now()), CircuitState::closed);
}

TEST_F(CircuitBreakerTest, ProbeFailureReopensWithFreshCoolDown) {
  CircuitBreaker cb(config);
  to_half_open(cb);
  ASSERT_TRUE(cb.allow(clock.now()));
  clock.advance(Millis(500));
  cb.record_failure(clock.now());
  EXPECT_EQ(cb.state(clock.now()), CircuitState::open);
  EXPECT_EQ(cb.opened_at(), clock.now());
  clock.advance(config.cool_down - Millis(1));
  EXPECT_FALSE(cb.allow(clock.now()));
  clock.advance(Millis(1));
  EXPECT_EQ(cb.state(clock.now()), CircuitState::half_open);
  EXPECT_TRUE(cb.allow(clock.now()));
}

TEST_F(CircuitBreakerTest, ResultsWhileOpenAreIgnored) {
  CircuitBreaker cb(config);
  fail(cb, 3);
  clock.advance(Millis(10'000));
  cb.record_success(clock.now());  // a late answer from before the circuit opened
  EXPECT_EQ(cb.state(clock.now()), CircuitState::open);
  cb.record_failure(clock.now());  // does not extend the cool-down
  clock.advance(Millis(20'000));
  EXPECT_EQ(cb.state(clock.now()), CircuitState::half_open);
}

TEST_F(CircuitBreakerTest, HalfOpenIgnoresResultsBeforeTheProbeIsGranted) {
  CircuitBreaker cb(config);
  to_half_open(cb);
  cb.record_failure(clock.now());
  EXPECT_EQ(cb.state(clock.now()), CircuitState::half_open);
  EXPECT_TRUE(cb.allow(clock.now()));
}

TEST_F(CircuitBreakerTest, LostProbeIsReplacedAfterProbeTimeout) {
  config.probe_timeout = Millis(5000);
  CircuitBreaker cb(config);
  to_half_open(cb);
  ASSERT_TRUE(cb.allow(clock.now()));
  clock.advance(Millis(4999));
  EXPECT_FALSE(cb.allow(clock.now()));
  clock.advance(Millis(1));
  EXPECT_TRUE(cb.allow(clock.now()));
}

TEST_F(CircuitBreakerTest, FailureRatioOpensWithinWindow) {
  config.failure_threshold = 0;  // only the ratio rule
  config.failure_ratio = 0.5;
  config.ratio_min_results = 10;
  config.ratio_window = Millis(60'000);
  CircuitBreaker cb(config);
  for (int i = 0; i < 4; ++i) {  // alternate: never 3 in a row, ratio 50%
    cb.record_success(clock.now());
    cb.record_failure(clock.now());
  }
  EXPECT_EQ(cb.state(clock.now()), CircuitState::closed);  // 8 results: below the minimum
  cb.record_success(clock.now());
  cb.record_failure(clock.now());
  EXPECT_EQ(cb.state(clock.now()), CircuitState::open);
}

TEST_F(CircuitBreakerTest, FailureRatioForgetsOldResults) {
  config.failure_threshold = 0;
  config.failure_ratio = 0.5;
  config.ratio_min_results = 4;
  config.ratio_window = Millis(10'000);
  CircuitBreaker cb(config);
  fail(cb, 3);
  clock.advance(Millis(10'000));
  for (int i = 0; i < 3; ++i) cb.record_success(clock.now());
  cb.record_failure(clock.now());  // window: 3 ok, 1 failed
  EXPECT_EQ(cb.state(clock.now()), CircuitState::closed);
}

TEST(CircuitState, Names) {
  EXPECT_STREQ(to_string(CircuitState::closed), "closed");
  EXPECT_STREQ(to_string(CircuitState::open), "open");
  EXPECT_STREQ(to_string(CircuitState::half_open), "half_open");
}

}  // namespace
}  // namespace outreach::engine
