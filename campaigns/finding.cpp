#include "campaigns/finding.h"

#include <algorithm>

namespace outreach::campaigns {

std::string Finding::str() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  if (!out.empty()) out += ": ";
  if (severity == warning) out += "warning: ";
  if (severity == info) out += "note: ";
  if (!field.empty()) out += field + ": ";
  out += message;
  return out;
}

bool has_errors(const std::vector<Finding>& findings) { return count_errors(findings) > 0; }

int count_errors(const std::vector<Finding>& findings) {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                        [](const Finding& f) { return f.severity == Finding::error; }));
}

std::string format_findings(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) out += f.str() + "\n";
  return out;
}

}  // namespace outreach::campaigns
