// The scorecard formats both clients give out (services/scorecards.h).
#include <iomanip>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/csv_writer.h"
#include "core/json_text.h"
#include "services/scorecards.h"

namespace outreach::services {

namespace {

constexpr Figure kAll[kFigureCount] = {
    Figure::people_known, Figure::people_reached, Figure::people_answered, Figure::people_asked_for_help,
    Figure::cases_opened, Figure::cases_routed, Figure::cases_acknowledged, Figure::cases_in_contact,
    Figure::sla_breaches, Figure::escalations, Figure::followups_sent, Figure::followups_answered,
    Figure::score_1, Figure::score_2, Figure::score_3, Figure::score_4, Figure::score_5,
    Figure::followups_answered_without_score, Figure::error_reports_opened, Figure::error_reports_past_sla,
};

std::string number(double v, int decimals) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(decimals) << v;
  return os.str();
}

std::string cell_text(const Cell& c, int threshold) {
  return c.suppressed ? "<" + std::to_string(threshold) : std::to_string(c.value);
}

std::string optional_text(const std::optional<double>& v, bool suppressed, int decimals) {
  if (suppressed) return "suppressed";
  return v ? number(*v, decimals) : std::string();
}

}  // namespace

std::string scorecard_csv(const Scorecard& s) {
  core::CsvWriter csv(core::CsvFormat{.separator = ',', .bom = true});
  std::vector<std::string> header = {"level", "code", "name", "region", "from", "to", "as_of"};
  for (Figure f : kAll) header.emplace_back(figure_name(f));
  for (const char* h : {"time_to_acknowledge_median_hours", "time_to_acknowledge_p90_hours",
                        "time_to_first_contact_median_hours", "time_to_first_contact_p90_hours",
                        "followup_response_rate"})
    header.emplace_back(h);
  std::string out = csv.start() + csv.row(header);
  for (const auto& r : s.rows) {
    std::vector<std::string> fields = {r.level, r.code, r.name, r.region, core::format_utc(s.from),
                                       core::format_utc(s.to), core::format_utc(s.as_of)};
    for (Figure f : kAll) fields.push_back(cell_text(r.at(f), s.small_count_threshold));
    const auto& a = r.time_to_acknowledge;
    const auto& c = r.time_to_first_contact;
    fields.push_back(optional_text(a.median_hours, a.suppressed, 1));
    fields.push_back(optional_text(a.p90_hours, a.suppressed, 1));
    fields.push_back(optional_text(c.median_hours, c.suppressed, 1));
    fields.push_back(optional_text(c.p90_hours, c.suppressed, 1));
    fields.push_back(optional_text(r.followup_response_rate, r.response_rate_suppressed, 3));
    out += csv.row(fields);
  }
  return out;
}

std::string scorecard_json(const Scorecard& s) {
  using json = nlohmann::ordered_json;
  json rows = json::array();
  for (const auto& r : s.rows) {
    json figures = json::object();
    json hidden = json::array();
    for (Figure f : kAll) {
      const Cell& c = r.at(f);
      figures[figure_name(f)] = c.suppressed ? json(nullptr) : json(c.value);
      if (c.suppressed) hidden.push_back(figure_name(f));
    }
    auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    auto dur = [&](const DurationFigure& d, const char* name) {
      if (d.suppressed) {
        hidden.push_back(std::string(name) + "_median_hours");
        hidden.push_back(std::string(name) + "_p90_hours");
      }
      figures[std::string(name) + "_median_hours"] = opt(d.median_hours);
      figures[std::string(name) + "_p90_hours"] = opt(d.p90_hours);
    };
    dur(r.time_to_acknowledge, "time_to_acknowledge");
    dur(r.time_to_first_contact, "time_to_first_contact");
    figures["followup_response_rate"] = opt(r.followup_response_rate);
    if (r.response_rate_suppressed) hidden.push_back("followup_response_rate");
    rows.push_back(json{{"level", r.level}, {"code", r.code}, {"name", r.name},
                        {"region", r.region.empty() ? json(nullptr) : json(r.region)},
                        {"figures", std::move(figures)}, {"suppressed", std::move(hidden)}});
  }
  json body = {{"from", core::format_utc(s.from)}, {"to", core::format_utc(s.to)},
               {"as_of", core::format_utc(s.as_of)}, {"small_count_threshold", s.small_count_threshold},
               {"rows", std::move(rows)}};
  return core::json_text(body);
}

std::string scorecard_table(const Scorecard& s) {
  struct Col {
    const char* head;
    Figure f;
  };
  const Col cols[] = {{"known", Figure::people_known},      {"reached", Figure::people_reached},
                      {"answered", Figure::people_answered}, {"help", Figure::people_asked_for_help},
                      {"cases", Figure::cases_opened},       {"acked", Figure::cases_acknowledged},
                      {"sla-miss", Figure::sla_breaches},    {"escal", Figure::escalations},
                      {"fu-sent", Figure::followups_sent},   {"fu-ans", Figure::followups_answered},
                      {"err", Figure::error_reports_opened}};
  std::ostringstream os;
  os << std::left << std::setw(30) << "municipality / region" << std::right;
  for (const auto& c : cols) os << std::setw(9) << c.head;
  os << std::setw(12) << "ack-median" << std::setw(9) << "ack-p90" << std::setw(12) << "contact-med" << "  scores 1-5\n";
  auto hours = [](const DurationFigure& d) {
    if (d.suppressed) return std::string("<") + "n";
    return d.median_hours ? number(*d.median_hours, 1) + "h" : std::string("-");
  };
  auto p90 = [](const DurationFigure& d) {
    if (d.suppressed) return std::string("<n");
    return d.p90_hours ? number(*d.p90_hours, 1) + "h" : std::string("-");
  };
  for (const auto& r : s.rows) {
    std::string label = r.level == "municipality" ? r.code + " " + r.name : "= " + r.name;
    if (label.size() > 29) label = label.substr(0, 29);
    os << std::left << std::setw(30) << label << std::right;
    for (const auto& c : cols) os << std::setw(9) << cell_text(r.at(c.f), s.small_count_threshold);
    os << std::setw(12) << hours(r.time_to_acknowledge) << std::setw(9) << p90(r.time_to_acknowledge) << std::setw(12)
       << hours(r.time_to_first_contact) << "  ";
    for (Figure f : {Figure::score_1, Figure::score_2, Figure::score_3, Figure::score_4, Figure::score_5})
      os << cell_text(r.at(f), s.small_count_threshold) << (f == Figure::score_5 ? "" : "/");
    os << "\n";
  }
  os << "Counts from 1 to " << s.small_count_threshold - 1 << " are shown as <" << s.small_count_threshold
     << ", and so is any count that could be worked out from a total (<n: fewer than " << s.small_count_threshold
     << " durations).\n";
  return os.str();
}

}  // namespace outreach::services
