#pragma once
// SendWindow: the days and hours of local time (in an IANA time zone) when a campaign may send,
// e.g. mon-fri 09:00-20:00 in Europe/Amsterdam. A message due outside the window waits for
// next_open().
//
// Membership is decided on the local wall clock: t is inside when its local weekday is selected
// and its local time of day is in [open, close). Across DST this means a window keeps its wall-clock
// hours; on the spring-forward day a window opening inside the gap (e.g. 02:30 in Amsterdam on
// 2026-03-29) opens at the first instant after the gap (03:00 CEST); on the fall-back day a local
// time that occurs twice is inside the window both times.
//
// Immutable after construction; safe to share between threads.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace date {
class time_zone;
}  // namespace date

namespace outreach::engine {

class SendWindow {
 public:
  // time_zone: IANA name ("Europe/Amsterdam").
  // days: comma-separated days or ranges, case-insensitive: "mon-fri", "mon..sun", "mon,wed,sat-sun".
  // hours: "HH:MM-HH:MM" with open < close; "24:00" is allowed as close.
  // Errors are invalid_input with where = "send_window.time_zone" / ".days" / ".hours", e.g.
  // "send_window.hours: expected HH:MM-HH:MM, got '9-20'".
  static core::Result<SendWindow> parse(std::string_view time_zone, std::string_view days,
                                        std::string_view hours);
  static core::Result<SendWindow> parse(std::string_view time_zone,
                                        const std::vector<std::string>& days,
                                        std::string_view hours);

  bool contains(core::TimePoint t) const;
  // t itself when contains(t), else the first instant after t inside the window.
  core::TimePoint next_open(core::TimePoint t) const;

  const std::string& time_zone() const { return zone_name_; }
  // Bit i set = ISO weekday i+1 selected (bit 0 = Monday ... bit 6 = Sunday).
  std::uint8_t day_mask() const { return days_; }
  int open_minute() const { return open_min_; }    // minutes after local midnight
  int close_minute() const { return close_min_; }  // exclusive; up to 1440

 private:
  SendWindow() = default;

  const date::time_zone* zone_ = nullptr;  // owned by the tz database (lives for the program)
  std::string zone_name_;
  std::uint8_t days_ = 0;
  int open_min_ = 0;
  int close_min_ = 0;
};

}  // namespace outreach::engine
