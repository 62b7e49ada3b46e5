#include "web/funnel_chart.h"

#include <algorithm>

namespace outreach::web {

std::vector<BarChart> funnel_charts(const services::CampaignFunnel& funnel, const FunnelChartText& words) {
  // Every step of the version gets a chart, also before any message exists.
  std::size_t steps = funnel.step_ids.size();
  for (const auto& c : funnel.cells) steps = std::max(steps, static_cast<std::size_t>(c.step) + 1);
  std::vector<BarChart> out;
  for (std::size_t s = 0; s < steps; ++s) {
    const std::string step_id = s < funnel.step_ids.size() ? funnel.step_ids[s] : std::to_string(s + 1);
    BarChart chart;
    chart.id = "funnel-" + funnel.key + "-step-" + std::to_string(s + 1);
    chart.title = words.title + " " + std::to_string(s + 1) + " (" + step_id + ")";
    chart.description = words.description;
    chart.empty_text = words.empty;
    for (const auto& c : funnel.cells) {
      if (static_cast<std::size_t>(c.step) != s) continue;
      ChartGroup g;
      g.label = (c.municipality_name.empty() ? std::string("?") : c.municipality_name) + " \u00b7 " +
                (c.channel.empty() ? words.no_channel : c.channel);
      g.bars = {{words.total, c.total, 3}, {words.sent, c.sent, 1}, {words.delivered, c.delivered, 2},
                {words.read, c.read, 0}};
      chart.groups.push_back(std::move(g));
    }
    out.push_back(std::move(chart));
  }
  return out;
}

}  // namespace outreach::web
