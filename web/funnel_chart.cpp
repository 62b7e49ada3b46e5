#include "web/funnel_chart.h"

#include <algorithm>

namespace outreach::web {

std::vector<BarChart> funnel_charts(const services::CampaignFunnel& funnel, bool english) {
  const char* total = english ? "all" : "totaal";
  const char* sent = english ? "sent" : "verzonden";
  const char* delivered = english ? "delivered" : "afgeleverd";
  const char* read = english ? "read" : "gelezen";
  const char* no_channel = english ? "no channel yet" : "nog geen kanaal";
  // Every step of the version gets a chart, also before any message exists.
  std::size_t steps = funnel.step_ids.size();
  for (const auto& c : funnel.cells) steps = std::max(steps, static_cast<std::size_t>(c.step) + 1);
  std::vector<BarChart> out;
  for (std::size_t s = 0; s < steps; ++s) {
    const std::string step_id = s < funnel.step_ids.size() ? funnel.step_ids[s] : std::to_string(s + 1);
    BarChart chart;
    chart.id = "funnel-" + funnel.key + "-step-" + std::to_string(s + 1);
    chart.title = std::string(english ? "Funnel of step " : "Trechter van stap ") + std::to_string(s + 1) + " (" +
                  step_id + ")";
    chart.description = english ? "Per municipality and channel: all messages, sent, delivered and read. The same "
                                  "numbers are in the table below."
                                : "Per gemeente en kanaal: alle berichten, verzonden, afgeleverd en gelezen. Dezelfde "
                                  "getallen staan in de tabel eronder.";
    chart.empty_text = english ? "No messages in this step yet" : "Nog geen berichten in deze stap";
    for (const auto& c : funnel.cells) {
      if (static_cast<std::size_t>(c.step) != s) continue;
      ChartGroup g;
      g.label = (c.municipality_name.empty() ? std::string("?") : c.municipality_name) + " \u00b7 " +
                (c.channel.empty() ? std::string(no_channel) : c.channel);
      g.bars = {{total, c.total, 3}, {sent, c.sent, 1}, {delivered, c.delivered, 2}, {read, c.read, 0}};
      chart.groups.push_back(std::move(g));
    }
    out.push_back(std::move(chart));
  }
  return out;
}

}  // namespace outreach::web
