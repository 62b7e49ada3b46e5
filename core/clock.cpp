#include "core/clock.h"

#include <cstdio>
#include <ctime>

namespace outreach::core {

std::string format_utc(TimePoint t) {
  auto ms = to_millis(t);
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int frac = static_cast<int>(ms - static_cast<std::int64_t>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
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
