#include "engine/policy/frequency_cap.h"

#include <gtest/gtest.h>

namespace outreach::engine {
namespace {

using core::Millis;
using std::chrono::hours;

class FrequencyCapTest : public ::testing::Test {
 protected:
  core::ManualClock clock{core::from_millis(1'780'000'000'000)};
  FrequencyCap cap{2, hours(24)};
};

TEST_F(FrequencyCapTest, AllowsUpToTheCap) {
  EXPECT_TRUE(cap.allow(1, clock.now()));
  cap.record(1, clock.now());
  clock.advance(hours(1));
  EXPECT_TRUE(cap.allow(1, clock.now()));
  cap.record(1, clock.now());
  EXPECT_FALSE(cap.allow(1, clock.now()));
}

TEST_F(FrequencyCapTest, ContactsAreIndependent) {
  cap.record(1, clock.now());
  cap.record(1, clock.now());
  EXPECT_FALSE(cap.allow(1, clock.now()));
  EXPECT_TRUE(cap.allow(2, clock.now()));
}

TEST_F(FrequencyCapTest, WindowIsRolling) {
  const auto first = clock.now();
  cap.record(1, first);
  clock.advance(hours(10));
  cap.record(1, clock.now());
  clock.set(first + hours(24) - Millis(1));
  EXPECT_FALSE(cap.allow(1, clock.now()));
  clock.set(first + hours(24));  // the first send leaves the window
  EXPECT_TRUE(cap.allow(1, clock.now()));
  cap.record(1, clock.now());
  EXPECT_FALSE(cap.allow(1, clock.now()));
}

TEST_F(FrequencyCapTest, NextAllowedIsWhenTheOldestCountingSendExpires) {
  const auto first = clock.now();
  EXPECT_EQ(cap.next_allowed(1, first), first);
  cap.record(1, first);
  cap.record(1, first + hours(3));
  EXPECT_EQ(cap.next_allowed(1, first + hours(4)), first + hours(24));
  cap.record(1, first + hours(5));  // over the cap (recorded anyway, e.g. a manual send)
  EXPECT_EQ(cap.next_allowed(1, first + hours(6)), first + hours(27));
}

TEST_F(FrequencyCapTest, SeedFromRecentSendsInAnyOrder) {
  const auto now = clock.now();
  cap.seed({{7, now - hours(2)}, {7, now - hours(20)}, {8, now - hours(30)}, {9, now - hours(1)}},
           now);
  EXPECT_FALSE(cap.allow(7, now));
  EXPECT_EQ(cap.next_allowed(7, now), now + hours(4));
  EXPECT_TRUE(cap.allow(8, now));  // outside the window: dropped
  EXPECT_TRUE(cap.allow(9, now));
  EXPECT_EQ(cap.tracked_contacts(), 2u);
}

TEST_F(FrequencyCapTest, PruneForgetsContactsOutsideTheWindow) {
  for (ContactKey c = 0; c < 100; ++c) cap.record(c, clock.now());
  clock.advance(hours(12));
  cap.record(1000, clock.now());
  EXPECT_EQ(cap.tracked_contacts(), 101u);
  clock.advance(hours(12));
  cap.prune(clock.now());
  EXPECT_EQ(cap.tracked_contacts(), 1u);
  EXPECT_TRUE(cap.allow(0, clock.now()));
}

TEST_F(FrequencyCapTest, RecordPrunesPeriodically) {
  for (ContactKey c = 0; c < 10; ++c) cap.record(c, clock.now());
  clock.advance(hours(25));
  for (std::size_t i = 0; i < FrequencyCap::kPruneEvery; ++i) {
    cap.record(static_cast<ContactKey>(1'000'000 + i), clock.now());
  }
  EXPECT_EQ(cap.tracked_contacts(), FrequencyCap::kPruneEvery);
}

TEST(FrequencyCap, OnePerWeek) {
  FrequencyCap cap(1, hours(24 * 7));
  const auto t = core::from_millis(0);
  cap.record(5, t);
  EXPECT_FALSE(cap.allow(5, t + hours(24 * 6)));
  EXPECT_EQ(cap.next_allowed(5, t + hours(1)), t + hours(24 * 7));
}

}  // namespace
}  // namespace outreach::engine
