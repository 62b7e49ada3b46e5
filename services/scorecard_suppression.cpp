#include "services/scorecard_suppression.h"

namespace outreach::services {

void suppress_small_counts(std::vector<Cell>& cells, const std::vector<AdditiveGroup>& groups, std::int64_t threshold) {
  if (threshold <= 1) return;
  for (auto& c : cells) {
    if (c.value > 0 && c.value < threshold) c.suppressed = true;
  }
  // Each pass can only add suppressions, so this ends after at most cells.size() passes.
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& g : groups) {
      if (cells[g.total].suppressed) continue;  // nothing to subtract from
      std::int64_t residual = 0;
      for (auto p : g.parts) {
        if (cells[p].suppressed) residual += cells[p].value;
      }
      if (residual == 0 || residual >= threshold) continue;
      // Suppress the smallest shown non-zero part, so the residual grows by as little as needed
      // while hiding as little as possible; with none left, hide the total.
      std::size_t pick = cells.size();
      for (auto p : g.parts) {
        if (cells[p].suppressed || cells[p].value == 0) continue;
        if (pick == cells.size() || cells[p].value < cells[pick].value) pick = p;
      }
      cells[pick == cells.size() ? g.total : pick].suppressed = true;
      changed = true;
    }
  }
}

std::vector<std::int64_t> recomputable_residuals(const std::vector<Cell>& cells, const std::vector<AdditiveGroup>& groups) {
  std::vector<std::int64_t> out;
  for (const auto& g : groups) {
    if (cells[g.total].suppressed) continue;
    std::int64_t shown = 0;
    for (auto p : g.parts) {
      if (!cells[p].suppressed) shown += cells[p].value;
    }
    out.push_back(cells[g.total].value - shown);
  }
  return out;
}

}  // namespace outreach::services
