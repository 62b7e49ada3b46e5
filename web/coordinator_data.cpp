#include "web/coordinator_data.h"

#include "web/strings.h"

namespace outreach::web {

namespace mstch = kainjow::mustache;

namespace {
std::string known_or(const PageRequest& r, const std::string& key, const std::string& fallback) {
  const auto& table = strings(r.lang);
  auto it = table.find(key);
  return it != table.end() ? it->second : fallback;
}
}  // namespace

std::string state_text(const PageRequest& r, const std::string& state) {
  return known_or(r, "state_" + state, state);
}

std::string reason_text(const PageRequest& r, const std::string& code) {
  return known_or(r, "reason_" + code, code);
}

std::string num(std::int64_t n) { return std::to_string(n); }

std::string cell_text(const services::Cell& c, int threshold) {
  return c.suppressed ? "<" + std::to_string(threshold) : std::to_string(c.value);
}

std::string campaign_href(const std::string& key) { return "/campaigns/" + key; }

mstch::list campaign_rows(const PageRequest& r, const std::vector<services::CampaignSummary>& list,
                          const std::string& href_prefix) {
  mstch::list rows;
  for (const auto& c : list) {
    mstch::data row{mstch::data::type::object};
    row.set("key", c.key);
    row.set("name", c.name);
    row.set("href", href_prefix + c.key);
    row.set("state_text", state_text(r, c.state));
    row.set("version", num(c.version));
    row.set("author", c.author);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace outreach::web
