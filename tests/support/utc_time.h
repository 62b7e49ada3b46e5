#pragma once
// "2026-11-17T09:00:00Z" -> TimePoint for test data; a text that does not parse fails the test.

#include <gtest/gtest.h>

#include "core/clock.h"

namespace outreach::test {

inline core::TimePoint utc_time(const char* text) {
  core::TimePoint t;
  EXPECT_TRUE(core::parse_utc(text, t)) << text;
  return t;
}

}  // namespace outreach::test
