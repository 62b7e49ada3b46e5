#include "web/bar_chart.h"

#include <algorithm>

namespace outreach::web {

namespace {

constexpr int kGroupLabelHeight = 20;
constexpr int kBarHeight = 16;
constexpr int kBarGap = 4;
constexpr int kGroupGap = 12;
constexpr const char* kInk = "#1b1b1b";

std::string safe_id(const std::string& id) {
  std::string out = id.empty() ? "chart" : id;
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) c = '-';
  }
  return out;
}

std::string fill_of(const std::string& id, int pattern) {
  switch (((pattern % 4) + 4) % 4) {
    case 0: return kInk;
    case 1: return "url(#" + id + "-hatch)";
    case 2: return "url(#" + id + "-dots)";
    default: return "#ffffff";
  }
}

std::string defs(const std::string& id) {
  return "<defs>"
         "<pattern id=\"" + id + "-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
         "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"" + std::string(kInk) + "\" stroke-width=\"3\"/></pattern>"
         "<pattern id=\"" + id + "-dots\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">"
         "<rect width=\"5\" height=\"5\" fill=\"#ffffff\"/>"
         "<circle cx=\"2.5\" cy=\"2.5\" r=\"1.4\" fill=\"" + std::string(kInk) + "\"/></pattern>"
         "</defs>";
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string shorten_utf8(const std::string& text, std::size_t max_chars) {
  if (max_chars == 0) return {};
  std::size_t chars = 0, cut = std::string::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars - 1) cut = i;
    if (++chars > max_chars) return text.substr(0, cut) + "\u2026";
  }
  return text;
}

std::string render_bar_chart(const BarChart& chart) {
  const std::string id = safe_id(chart.id);
  std::int64_t max = 0;
  std::size_t bars = 0;
  for (const auto& g : chart.groups) {
    for (const auto& b : g.bars) max = std::max(max, b.value);
    bars += g.bars.size();
  }
  const int groups = static_cast<int>(chart.groups.size());
  int height = groups == 0 ? 40
                           : groups * (kGroupLabelHeight + kGroupGap) +
                                 static_cast<int>(bars) * (kBarHeight + kBarGap);
  std::string label = chart.title;
  if (!chart.description.empty()) label += ". " + chart.description;
  std::string out;
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"" + id + "\" role=\"img\" viewBox=\"0 0 " +
         std::to_string(kChartWidth) + " " + std::to_string(height) + "\" width=\"100%\" aria-label=\"" +
         xml_escape(label) + "\" font-family=\"sans-serif\" font-size=\"13\">";
  out += "<title id=\"" + id + "-title\">" + xml_escape(chart.title) + "</title>";
  out += "<desc id=\"" + id + "-desc\">" + xml_escape(chart.description) + "</desc>";
  out += defs(id);
  if (groups == 0) {
    out += "<text x=\"0\" y=\"24\" fill=\"" + std::string(kInk) + "\">" + xml_escape(chart.empty_text) + "</text></svg>";
    return out;
  }
  int y = 0;
  for (const auto& g : chart.groups) {
    out += "<g><title>" + xml_escape(g.label) + "</title>";
    out += "<text x=\"0\" y=\"" + std::to_string(y + 15) + "\" font-weight=\"bold\" fill=\"" + kInk + "\">" +
           xml_escape(shorten_utf8(g.label, kChartLabelChars)) + "</text>";
    y += kGroupLabelHeight;
    for (const auto& b : g.bars) {
      const std::int64_t v = std::max<std::int64_t>(0, b.value);
      // Integer arithmetic: the same numbers always draw the same bytes.
      const int w = max > 0 ? static_cast<int>((v * kChartBarArea + max / 2) / max) : 0;
      if (w > 0) {
        out += "<rect x=\"0\" y=\"" + std::to_string(y) + "\" width=\"" + std::to_string(w) + "\" height=\"" +
               std::to_string(kBarHeight) + "\" fill=\"" + fill_of(id, b.pattern) + "\" stroke=\"" + kInk +
               "\" stroke-width=\"1\"/>";
      } else {  // zero: a thin mark at the axis, so the row is not mistaken for missing
        out += "<rect x=\"0\" y=\"" + std::to_string(y) + "\" width=\"1\" height=\"" + std::to_string(kBarHeight) +
               "\" fill=\"" + kInk + "\"/>";
      }
      out += "<text x=\"" + std::to_string(std::max(w, 1) + 6) + "\" y=\"" + std::to_string(y + 12) + "\" fill=\"" +
             kInk + "\">" + xml_escape(b.label) + " " + std::to_string(v) + "</text>";
      y += kBarHeight + kBarGap;
    }
    out += "</g>";
    y += kGroupGap;
  }
  out += "</svg>";
  return out;
}

}  // namespace outreach::web
