#include "web/funnel_chart.h"

#include <algorithm>

namespace outreach::web {

namespace {

ChartGroup group_of(const services::FunnelCellView& c, const std::string& label, const FunnelChartText& words) {
  ChartGroup g;
  g.label = label;
  g.bars = {{words.total, c.total, 3}, {words.sent, c.sent, 1}, {words.delivered, c.delivered, 2},
            {words.read, c.read, 0}};
  return g;
}

}  // namespace

std::vector<BarChart> funnel_charts(const services::CampaignFunnel& funnel, const FunnelChartText& words,
                                    std::size_t max_groups) {
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
    std::vector<const services::FunnelCellView*> cells;
    for (const auto& c : funnel.cells) {
      if (static_cast<std::size_t>(c.step) == s) cells.push_back(&c);
    }
    // The largest max_groups cells keep their place (name order); the rest become one group.
    std::vector<bool> shown(cells.size(), true);
    if (max_groups > 0 && cells.size() > max_groups) {
      std::vector<std::size_t> order(cells.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return cells[a]->total > cells[b]->total; });
      for (std::size_t k = max_groups - 1; k < order.size(); ++k) shown[order[k]] = false;
    }
    services::FunnelCellView rest;
    std::size_t hidden = 0;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const auto& c = *cells[i];
      if (!shown[i]) {
        ++hidden;
        rest.total += c.total;
        rest.sent += c.sent;
        rest.delivered += c.delivered;
        rest.read += c.read;
        continue;
      }
      chart.groups.push_back(group_of(c,
                                      (c.municipality_name.empty() ? std::string("?") : c.municipality_name) +
                                          " \u00b7 " + (c.channel.empty() ? words.no_channel : c.channel),
                                      words));
    }
    if (hidden > 0) chart.groups.push_back(group_of(rest, std::to_string(hidden) + " " + words.others, words));
    out.push_back(std::move(chart));
  }
  return out;
}

}  // namespace outreach::web
