// format_utc writes every time an export, a list or a log shows: ISO 8601 in UTC with milliseconds.
#include "core/clock.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <random>

namespace outreach::core {
namespace {

// What format_utc wrote when it was gmtime_r and snprintf: the reference for any instant.
std::string by_gmtime(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int frac = static_cast<int>(ms - static_cast<std::int64_t>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

TimePoint at(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

TEST(FormatUtc, WritesIsoUtcWithMilliseconds) {
  EXPECT_EQ(format_utc(at(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc(at(1795647599999)), "2026-11-25T22:59:59.999Z");
  EXPECT_EQ(format_utc(at(951782400000)), "2000-02-29T00:00:00.000Z");  // a leap day
  EXPECT_EQ(format_utc(at(-1)), "1969-12-31T23:59:59.999Z");            // before the epoch: floor, not truncation
  EXPECT_EQ(format_utc(at(253402300799999)), "9999-12-31T23:59:59.999Z");
}

TEST(FormatUtc, AgreesWithGmtimeOverCenturies) {
  std::mt19937_64 rng(20261127);
  for (int n = 0; n < 20000; ++n) {
    // 1900 to 2200, any millisecond.
    const std::int64_t ms = static_cast<std::int64_t>(rng() % 9467280000000ULL) - 2208988800000LL;
    ASSERT_EQ(format_utc(at(ms)), by_gmtime(ms)) << ms;
  }
}

TEST(FormatUtc, RoundTripsThroughParseUtc) {
  TimePoint back{};
  ASSERT_TRUE(parse_utc(format_utc(at(1795647599123)), back));
  EXPECT_EQ(to_millis(back), 1795647599123);
}

}  // namespace
}  // namespace outreach::core
