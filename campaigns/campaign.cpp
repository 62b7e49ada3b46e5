#include "campaigns/campaign.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace outreach::campaigns {
namespace {

constexpr std::array<const char*, 7> kWeekdays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

bool parse_clock(std::string_view t, int& minutes) {
  if (t.size() != 5 || t[2] != ':') return false;
  for (int i : {0, 1, 3, 4}) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  const int h = (t[0] - '0') * 10 + (t[1] - '0');
  const int m = (t[3] - '0') * 10 + (t[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return false;
  minutes = h * 60 + m;
  return true;
}

}  // namespace

const char* to_string(Weekday d) { return kWeekdays[static_cast<int>(d)]; }

std::optional<Weekday> parse_weekday(std::string_view text) {
  for (std::size_t i = 0; i < kWeekdays.size(); ++i) {
    if (text == kWeekdays[i]) return static_cast<Weekday>(i);
  }
  return std::nullopt;
}

std::optional<core::Millis> parse_duration(std::string_view text) {
  if (text.size() < 2 || text.size() > 8) return std::nullopt;
  const char unit = text.back();
  std::int64_t n = 0;
  const auto digits = text.substr(0, text.size() - 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n < 0) return std::nullopt;
  switch (unit) {
    case 'm': return core::Millis(n * 60'000);
    case 'h': return core::Millis(n * 3'600'000);
    case 'd': return core::Millis(n * 86'400'000);
    default: return std::nullopt;
  }
}

std::string format_duration(core::Millis d) {
  const auto ms = d.count();
  if (ms % 86'400'000 == 0) return std::to_string(ms / 86'400'000) + "d";
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  return std::to_string(ms) + "ms";
}

bool parse_hours(std::string_view text, int& start_minute, int& end_minute) {
  if (text.size() != 11 || text[5] != '-') return false;
  int s = 0, e = 0;
  if (!parse_clock(text.substr(0, 5), s) || !parse_clock(text.substr(6), e)) return false;
  if (s >= e || s == 24 * 60) return false;
  start_minute = s;
  end_minute = e;
  return true;
}

bool Audience::excludes(std::string_view what) const {
  return std::find(exclude.begin(), exclude.end(), what) != exclude.end();
}

const Step* Campaign::find_step(std::string_view id) const {
  for (const auto& s : steps) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::optional<std::string> granted_purpose(const Campaign& c, const std::string& municipality) {
  if (c.asks_for == "share") return "share:" + municipality;
  if (c.asks_for == "peer-contact") return std::string("peer-contact");
  return std::nullopt;
}

Location locate(const Campaign& c, std::string_view field) {
  std::string f(field);
  while (!f.empty()) {
    if (auto it = c.locations.find(f); it != c.locations.end()) return it->second;
    const auto cut = f.find_last_of(".[");
    if (cut == std::string::npos) break;
    f.resize(cut);
  }
  return {};
}

Finding finding_at(const Campaign& c, Finding::Severity severity, std::string field,
                   std::string message) {
  const Location loc = locate(c, field);
  return Finding{severity, c.file, loc.line, loc.column, std::move(field), std::move(message)};
}

}  // namespace outreach::campaigns
