#include "engine/policy/send_window.h"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "core/text.h"

namespace outreach::engine {
namespace {

constexpr std::array<std::string_view, 7> kDayNames = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

using core::trim;

std::optional<int> day_index(std::string_view name) {
  std::string lower;
  for (char c : trim(name)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < kDayNames.size(); ++i) {
    if (lower == kDayNames[i]) return static_cast<int>(i);
  }
  return std::nullopt;
}

core::Error days_error(std::string message) {
  return core::Error::invalid(std::move(message), "send_window.days");
}

core::Result<std::uint8_t> parse_days(std::string_view text) {
  std::uint8_t mask = 0;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    if (!item.empty()) {
      std::string_view from = item, to = item;
      if (auto dots = item.find(".."); dots != std::string_view::npos) {
        from = item.substr(0, dots);
        to = item.substr(dots + 2);
      } else if (auto dash = item.find('-'); dash != std::string_view::npos) {
        from = item.substr(0, dash);
        to = item.substr(dash + 1);
      }
      const auto a = day_index(from);
      const auto b = day_index(to);
      if (!a || !b) {
        return days_error("unknown day in '" + std::string(item) +
                          "' (expected mon, tue, wed, thu, fri, sat, sun or a range like mon-fri)");
      }
      for (int d = *a;; d = (d + 1) % 7) {  // a range may wrap: "sat-mon"
        mask |= static_cast<std::uint8_t>(1u << d);
        if (d == *b) break;
      }
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (mask == 0) return days_error("no day selected, got '" + std::string(text) + "'");
  return mask;
}

// "HH:MM" -> minutes after midnight; 24:00 allowed only when allow_24.
std::optional<int> parse_hhmm(std::string_view s, bool allow_24) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24))) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

core::Result<SendWindow> SendWindow::parse(std::string_view time_zone,
                                           const std::vector<std::string>& days,
                                           std::string_view hours) {
  std::string joined;
  for (const auto& d : days) joined += (joined.empty() ? "" : ",") + d;
  return parse(time_zone, joined, hours);
}

core::Result<SendWindow> SendWindow::parse(std::string_view time_zone, std::string_view days,
                                           std::string_view hours) {
  SendWindow w;
  w.zone_name_ = std::string(trim(time_zone));
  try {
    w.zone_ = date::locate_zone(w.zone_name_);
  } catch (const std::exception&) {
    return core::Error::invalid("unknown time zone '" + w.zone_name_ + "'", "send_window.time_zone");
  }

  auto mask = parse_days(days);
  if (!mask) return mask.error();
  w.days_ = *mask;

  const std::string_view h = trim(hours);
  const auto bad_hours = [&] {
    return core::Error::invalid("expected HH:MM-HH:MM, got '" + std::string(hours) + "'",
                                "send_window.hours");
  };
  const auto dash = h.find('-');
  if (dash == std::string_view::npos) return bad_hours();
  const auto open = parse_hhmm(trim(h.substr(0, dash)), false);
  const auto close = parse_hhmm(trim(h.substr(dash + 1)), true);
  if (!open || !close) return bad_hours();
  if (*open >= *close) {
    return core::Error::invalid("opening time must be before closing time, got '" +
                                    std::string(hours) + "'",
                                "send_window.hours");
  }
  w.open_min_ = *open;
  w.close_min_ = *close;
  return w;
}

bool SendWindow::contains(core::TimePoint t) const {
  const auto local = zone_->to_local(t);
  const auto day = date::floor<date::days>(local);
  const unsigned iso = date::weekday(day).iso_encoding();  // 1 = Monday
  if (!(days_ & (1u << (iso - 1)))) return false;
  const auto since_midnight = local - day;
  return since_midnight >= std::chrono::minutes(open_min_) &&
         since_midnight < std::chrono::minutes(close_min_);
}

core::TimePoint SendWindow::next_open(core::TimePoint t) const {
  if (contains(t)) return t;
  const auto local_day = date::floor<date::days>(zone_->to_local(t));
  // Two weeks is enough even when a selected day's window falls entirely inside a DST gap.
  for (int i = 0; i < 15; ++i) {
    const auto day = local_day + date::days(i);
    const unsigned iso = date::weekday(day).iso_encoding();
    if (!(days_ & (1u << (iso - 1)))) continue;
    const date::local_time<core::Millis> opening = day + std::chrono::minutes(open_min_);
    std::optional<core::TimePoint> best;
    // earliest and latest differ only when the opening time occurs twice (fall back); a
    // nonexistent opening time (spring forward) maps to the end of the gap for both.
    for (auto choice : {date::choose::earliest, date::choose::latest}) {
      const core::TimePoint candidate = zone_->to_sys(opening, choice);
      if (candidate > t && contains(candidate) && (!best || candidate < *best)) best = candidate;
    }
    if (best) return *best;
  }
  return t;  // unreachable with at least one selected day and open < close
}

}  // namespace outreach::engine
