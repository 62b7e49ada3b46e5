#include "campaigns/sequencer.h"

#include <gtest/gtest.h>

namespace outreach::campaigns {
namespace {

using std::chrono::hours;

core::TimePoint at(const char* utc) {
  core::TimePoint t;
  EXPECT_TRUE(core::parse_utc(utc, t)) << utc;
  return t;
}

Step step(core::Millis after, bool unless_responded = false,
          std::optional<core::Millis> expires = std::nullopt) {
  Step s;
  s.id = "s";
  s.after = after;
  s.unless_responded = unless_responded;
  s.expires_after = expires;
  return s;
}

TEST(Sequencer, DueCountsFromThePreviousSend) {
  EXPECT_EQ(due_at(step(hours(96)), at("2026-11-02T10:15Z")), at("2026-11-06T10:15Z"));
  EXPECT_EQ(due_at(step(core::Millis(0)), at("2026-11-02T10:15Z")), at("2026-11-02T10:15Z"));
}

TEST(Sequencer, UnlessRespondedSkipsOnlyAfterAResponseSinceLaunch) {
  const auto launch = at("2026-11-02T09:00Z");
  EXPECT_TRUE(must_skip(step(hours(96), true), at("2026-11-03T12:00Z"), launch));
  EXPECT_TRUE(must_skip(step(hours(96), true), launch, launch));
  EXPECT_FALSE(must_skip(step(hours(96), true), at("2026-10-01T12:00Z"), launch));  // before launch
  EXPECT_FALSE(must_skip(step(hours(96), true), std::nullopt, launch));
  EXPECT_FALSE(must_skip(step(hours(96), false), at("2026-11-03T12:00Z"), launch));
}

TEST(Sequencer, ExpiryCountsFromTheDueTime) {
  const auto due = at("2026-11-02T09:00Z");
  EXPECT_EQ(expires_at(step(hours(0), false, hours(24 * 7)), due), at("2026-11-09T09:00Z"));
  EXPECT_FALSE(expires_at(step(hours(0)), due).has_value());
  EXPECT_FALSE(is_expired(step(hours(0), false, hours(24)), due, at("2026-11-03T08:59Z")));
  EXPECT_TRUE(is_expired(step(hours(0), false, hours(24)), due, at("2026-11-03T09:00Z")));
  EXPECT_FALSE(is_expired(step(hours(0)), due, at("2030-01-01")));
}

}  // namespace
}  // namespace outreach::campaigns
