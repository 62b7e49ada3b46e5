#pragma once
// A horizontal bar chart drawn on the server as SVG text, readable without colour: every bar is
// named and numbered in text right beside it ("verzonden 12"), and the stages differ by pattern
// (solid, hatched, dotted, open) and by position, never by colour alone; every bar has a dark
// outline (non-text contrast). The <svg> has role="img", an aria-label, a <title> and a <desc>;
// the page puts the same numbers in a table beside it. Pure and deterministic: the same chart
// gives the same bytes. Text is XML-escaped; long group labels are shortened on the chart (the
// full label is in the group's <title> and in the table). Only presentation attributes are used
// (no style attributes), so a strict Content-Security-Policy allows it.

#include <cstdint>
#include <string>
#include <vector>

namespace outreach::web {

struct ChartBar {
  std::string label;       // "verzonden"
  std::int64_t value = 0;  // negative values are drawn as 0
  int pattern = 0;         // 0 solid, 1 hatched, 2 dotted, 3 open (mod 4)
};

struct ChartGroup {
  std::string label;  // "Rotterdam - sms"
  std::vector<ChartBar> bars;
};

struct BarChart {
  std::string id;           // unique on the page: [A-Za-z0-9-] (other characters become '-')
  std::string title;        // <title>, and the start of the aria-label
  std::string description;  // <desc>
  std::vector<ChartGroup> groups;
  std::string empty_text = "Geen gegevens";  // shown when there is no group
};

inline constexpr int kChartWidth = 400;
inline constexpr int kChartBarArea = 230;    // the widest bar
inline constexpr std::size_t kChartLabelChars = 40;  // longer group labels end in "…"

std::string render_bar_chart(const BarChart& chart);

// &, <, >, " and ' as entities.
std::string xml_escape(const std::string& text);
// At most `max_chars` code points of UTF-8 text, the last one "…" when shortened.
std::string shorten_utf8(const std::string& text, std::size_t max_chars);

}  // namespace outreach::web
