#include "engine/policy/send_window.h"

#include <gtest/gtest.h>

#include <string>

#include "core/clock.h"

namespace outreach::engine {
namespace {

using core::TimePoint;

TimePoint utc(const std::string& text) {
  TimePoint t;
  EXPECT_TRUE(core::parse_utc(text, t)) << text;
  return t;
}

SendWindow window(const std::string& days, const std::string& hours,
                  const std::string& zone = "Europe/Amsterdam") {
  auto w = SendWindow::parse(zone, days, hours);
  EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().what());
  return std::move(w).take();
}

std::string parse_error(const std::string& zone, const std::string& days, const std::string& hours) {
  auto w = SendWindow::parse(zone, days, hours);
  if (w.ok()) return "ok";
  EXPECT_EQ(w.error().code, core::ErrorCode::invalid_input);
  return w.error().what();
}

TEST(SendWindowParse, HoursWithoutMinutesNamesTheField) {
  EXPECT_EQ(parse_error("Europe/Amsterdam", "mon-fri", "9-20"),
            "send_window.hours: expected HH:MM-HH:MM, got '9-20'");
}

TEST(SendWindowParse, HoursOutOfRange) {
  EXPECT_EQ(parse_error("Europe/Amsterdam", "mon-fri", "09:00-25:00"),
            "send_window.hours: expected HH:MM-HH:MM, got '09:00-25:00'");
  EXPECT_EQ(parse_error("Europe/Amsterdam", "mon-fri", "09:60-20:00"),
            "send_window.hours: expected HH:MM-HH:MM, got '09:60-20:00'");
}

TEST(SendWindowParse, OpeningMustPrecedeClosing) {
  EXPECT_EQ(parse_error("Europe/Amsterdam", "mon-fri", "20:00-09:00"),
            "send_window.hours: opening time must be before closing time, got '20:00-09:00'");
}

TEST(SendWindowParse, AllDaysExcludedIsAnError) {
  EXPECT_EQ(parse_error("Europe/Amsterdam", "", "09:00-20:00"),
            "send_window.days: no day selected, got ''");
  EXPECT_EQ(parse_error("Europe/Amsterdam", " , ", "09:00-20:00"),
            "send_window.days: no day selected, got ' , '");
}

TEST(SendWindowParse, UnknownDay) {
  EXPECT_EQ(parse_error("Europe/Amsterdam", "mon,funday", "09:00-20:00"),
            "send_window.days: unknown day in 'funday' (expected mon, tue, wed, thu, fri, sat, sun "
            "or a range like mon-fri)");
}

TEST(SendWindowParse, UnknownTimeZone) {
  EXPECT_EQ(parse_error("Mars/Olympus_Mons", "mon-fri", "09:00-20:00"),
            "send_window.time_zone: unknown time zone 'Mars/Olympus_Mons'");
}

TEST(SendWindowParse, DayListsAndRanges) {
  EXPECT_EQ(window("mon-fri", "09:00-20:00").day_mask(), 0b0011111);
  EXPECT_EQ(window("mon..sun", "09:00-20:00").day_mask(), 0b1111111);
  EXPECT_EQ(window("MON, wed,Sat-Sun", "09:00-20:00").day_mask(), 0b1100101);
  EXPECT_EQ(window("sat-mon", "09:00-20:00").day_mask(), 0b1100001);  // wraps over the week end
  auto w = SendWindow::parse("Europe/Amsterdam", std::vector<std::string>{"tue", "thu"}, "10:15-24:00");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->day_mask(), 0b0001010);
  EXPECT_EQ(w->open_minute(), 10 * 60 + 15);
  EXPECT_EQ(w->close_minute(), 24 * 60);
  EXPECT_EQ(w->time_zone(), "Europe/Amsterdam");
}

TEST(SendWindow, WinterHoursAreUtcPlusOne) {
  const auto w = window("mon-fri", "09:00-20:00");
  EXPECT_FALSE(w.contains(utc("2026-01-05T07:59:59.999Z")));  // Monday 08:59:59.999 CET
  EXPECT_TRUE(w.contains(utc("2026-01-05T08:00Z")));           // 09:00 CET
  EXPECT_TRUE(w.contains(utc("2026-01-05T18:59:59.999Z")));
  EXPECT_FALSE(w.contains(utc("2026-01-05T19:00Z")));          // 20:00 CET: closing is exclusive
}

TEST(SendWindow, SummerHoursAreUtcPlusTwo) {
  const auto w = window("mon-fri", "09:00-20:00");
  EXPECT_FALSE(w.contains(utc("2026-06-01T06:59Z")));
  EXPECT_TRUE(w.contains(utc("2026-06-01T07:00Z")));
  EXPECT_FALSE(w.contains(utc("2026-06-01T18:00Z")));
}

TEST(SendWindow, WeekdayIsLocal) {
  // Sunday 23:30 UTC is Monday 00:30 in Amsterdam.
  const auto w = window("mon", "00:00-01:00");
  EXPECT_TRUE(w.contains(utc("2026-01-04T23:30Z")));
  EXPECT_FALSE(w.contains(utc("2026-01-05T23:30Z")));
}

TEST(SendWindow, NextOpenInsideIsNow) {
  const auto w = window("mon-fri", "09:00-20:00");
  EXPECT_EQ(w.next_open(utc("2026-01-05T10:00Z")), utc("2026-01-05T10:00Z"));
}

TEST(SendWindow, NextOpenLaterSameDay) {
  const auto w = window("mon-fri", "09:00-20:00");
  EXPECT_EQ(w.next_open(utc("2026-01-05T05:00Z")), utc("2026-01-05T08:00Z"));
}

TEST(SendWindow, FridayEveningWaitsForMondayMorning) {
  const auto w = window("mon-fri", "09:00-20:00");
  EXPECT_EQ(w.next_open(utc("2026-01-09T19:30Z")), utc("2026-01-12T08:00Z"));  // Fri 20:30 CET
  EXPECT_EQ(w.next_open(utc("2026-01-10T12:00Z")), utc("2026-01-12T08:00Z"));  // Saturday
}

TEST(SendWindow, SpringForwardDayKeepsWallClockHours) {
  // 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
  const auto w = window("mon..sun", "09:00-20:00");
  EXPECT_EQ(w.next_open(utc("2026-03-28T20:00Z")), utc("2026-03-29T07:00Z"));  // 09:00 CEST
  EXPECT_FALSE(w.contains(utc("2026-03-29T06:59Z")));
  EXPECT_TRUE(w.contains(utc("2026-03-29T17:59Z")));
  EXPECT_FALSE(w.contains(utc("2026-03-29T18:00Z")));  // 20:00 CEST
  EXPECT_EQ(w.next_open(utc("2026-03-28T06:00Z")), utc("2026-03-28T08:00Z"));  // Saturday, CET
}

TEST(SendWindow, OpeningInsideTheSpringGapOpensWhenTheGapEnds) {
  const auto w = window("mon..sun", "02:30-05:00");
  // 01:00 CET on the spring-forward day: 02:30 does not exist, the window opens at 03:00 CEST.
  EXPECT_EQ(w.next_open(utc("2026-03-29T00:00Z")), utc("2026-03-29T01:00Z"));
  EXPECT_FALSE(w.contains(utc("2026-03-29T00:59:59.999Z")));  // 01:59:59.999 CET
  EXPECT_TRUE(w.contains(utc("2026-03-29T01:00Z")));          // 03:00 CEST
  EXPECT_TRUE(w.contains(utc("2026-03-29T02:59Z")));          // 04:59 CEST
  EXPECT_FALSE(w.contains(utc("2026-03-29T03:00Z")));         // 05:00 CEST
  // The day before and after, 02:30 exists.
  EXPECT_EQ(w.next_open(utc("2026-03-28T00:00Z")), utc("2026-03-28T01:30Z"));
  EXPECT_EQ(w.next_open(utc("2026-03-29T04:00Z")), utc("2026-03-30T00:30Z"));
}

TEST(SendWindow, WindowEntirelyInsideTheSpringGapSkipsThatDay) {
  const auto w = window("mon..sun", "02:00-02:59");
  EXPECT_EQ(w.next_open(utc("2026-03-28T23:30Z")), utc("2026-03-30T00:00Z"));  // Mon 02:00 CEST
}

TEST(SendWindow, FallBackDayKeepsWallClockHours) {
  // 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00 UTC).
  const auto w = window("mon..sun", "09:00-20:00");
  EXPECT_EQ(w.next_open(utc("2026-10-25T00:00Z")), utc("2026-10-25T08:00Z"));  // 09:00 CET
  EXPECT_TRUE(w.contains(utc("2026-10-25T18:59Z")));
  EXPECT_FALSE(w.contains(utc("2026-10-25T19:00Z")));
  EXPECT_EQ(w.next_open(utc("2026-10-24T00:00Z")), utc("2026-10-24T07:00Z"));  // 09:00 CEST
}

TEST(SendWindow, RepeatedHourOnFallBackIsInsideBothTimes) {
  const auto w = window("mon..sun", "02:00-02:30");
  EXPECT_EQ(w.next_open(utc("2026-10-24T23:30Z")), utc("2026-10-25T00:00Z"));  // 02:00 CEST
  EXPECT_TRUE(w.contains(utc("2026-10-25T00:15Z")));   // 02:15 CEST
  EXPECT_FALSE(w.contains(utc("2026-10-25T00:45Z")));  // 02:45 CEST
  // After the first 02:30 the clock shows 02:00 again one hour later.
  EXPECT_EQ(w.next_open(utc("2026-10-25T00:45Z")), utc("2026-10-25T01:00Z"));  // 02:00 CET
  EXPECT_TRUE(w.contains(utc("2026-10-25T01:15Z")));   // 02:15 CET
  EXPECT_FALSE(w.contains(utc("2026-10-25T01:30Z")));  // 02:30 CET
  EXPECT_EQ(w.next_open(utc("2026-10-25T01:30Z")), utc("2026-10-26T01:00Z"));  // Mon 02:00 CET
}

TEST(SendWindow, WholeDayWindow) {
  const auto w = window("sun", "00:00-24:00");
  EXPECT_TRUE(w.contains(utc("2026-01-03T23:00Z")));   // Sun 00:00 CET
  EXPECT_TRUE(w.contains(utc("2026-01-04T22:59Z")));   // Sun 23:59 CET
  EXPECT_FALSE(w.contains(utc("2026-01-04T23:00Z")));  // Mon 00:00 CET
  EXPECT_EQ(w.next_open(utc("2026-01-05T08:00Z")), utc("2026-01-10T23:00Z"));
}

TEST(SendWindow, OtherTimeZones) {
  const auto w = window("mon-fri", "09:00-17:00", "America/New_York");
  EXPECT_EQ(w.next_open(utc("2026-01-05T12:00Z")), utc("2026-01-05T14:00Z"));  // EST = UTC-5
  const auto utc_window = window("mon-fri", "09:00-17:00", "UTC");
  EXPECT_TRUE(utc_window.contains(utc("2026-01-05T09:00Z")));
}

}  // namespace
}  // namespace outreach::engine
