#include "core/clock.h"

#include <chrono>
#include <cstdio>

namespace outreach::core {

namespace {

void put_digits(char* at, int value, int width) {
  for (int i = width - 1; i >= 0; --i, value /= 10) at[i] = static_cast<char>('0' + value % 10);
}

}  // namespace

std::string format_utc(TimePoint t) {
  // Calendar arithmetic rather than gmtime_r and snprintf: every row of a list or export formats
  // its times, and glibc's gmtime_r takes the time-zone lock that the server's threads share.
  using namespace std::chrono;
  const auto ms = milliseconds(to_millis(t));
  const auto day = floor<days>(ms);
  const year_month_day date{sys_days(day)};
  const hh_mm_ss time{ms - day};
  const int y = static_cast<int>(date.year());
  if (y < 0 || y > 9999) {  // outside what four digits hold: as printf writes it
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                  static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                  static_cast<int>(time.subseconds().count()));
    return buf;
  }
  char buf[] = "0000-00-00T00:00:00.000Z";
  put_digits(buf, y, 4);
  put_digits(buf + 5, static_cast<int>(static_cast<unsigned>(date.month())), 2);
  put_digits(buf + 8, static_cast<int>(static_cast<unsigned>(date.day())), 2);
  put_digits(buf + 11, static_cast<int>(time.hours().count()), 2);
  put_digits(buf + 14, static_cast<int>(time.minutes().count()), 2);
  put_digits(buf + 17, static_cast<int>(time.seconds().count()), 2);
  put_digits(buf + 20, static_cast<int>(time.subseconds().count()), 3);
  return std::string(buf, sizeof buf - 1);
}

bool parse_utc(const std::string& text, TimePoint& out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  int n = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3) return false;
  std::string rest = text.substr(static_cast<std::size_t>(n));
  if (!rest.empty()) {
    int m = 0;
    if (std::sscanf(rest.c_str(), "T%2d:%2d%n", &h, &mi, &m) != 2) return false;
    rest = rest.substr(static_cast<std::size_t>(m));
    if (!rest.empty() && rest[0] == ':') {
      if (std::sscanf(rest.c_str(), ":%2d%n", &s, &m) != 1) return false;
      rest = rest.substr(static_cast<std::size_t>(m));
      if (!rest.empty() && rest[0] == '.') {
        if (std::sscanf(rest.c_str(), ".%3d%n", &ms, &m) != 1) return false;
        rest = rest.substr(static_cast<std::size_t>(m));
      }
    }
    if (rest != "Z") return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  using namespace std::chrono;
  auto ymd = year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)};
  if (!ymd.ok()) return false;
  out = time_point_cast<Millis>(sys_days{ymd} + hours{h} + minutes{mi} + seconds{s} +
                                milliseconds{ms});
  return true;
}

}  // namespace outreach::core
