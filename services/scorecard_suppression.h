#pragma once
// Small-count suppression for tables of counts about people (the municipality scorecards), so no
// person can be singled out:
//  1. primary: a count from 1 to threshold-1 is suppressed (0 and counts at or above the threshold
//     are shown);
//  2. secondary (complementary): wherever cells add up to a shown total (a region's row is the sum
//     of its municipalities' rows, the national row the sum of all; the answered follow-ups the sum
//     of the scores and the answers without a score), what can be recomputed as the total minus the
//     shown parts -- the sum of that group's suppressed parts -- must itself be 0 or at least the
//     threshold. When it is not, one more part is suppressed (the smallest shown non-zero part; when
//     none is left, the total), and every group is checked again until none changes.
// Pure functions over plain data; no I/O.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace outreach::services {

struct Cell {
  std::int64_t value = 0;
  bool suppressed = false;
};

// total = sum of parts, as indexes into one vector of cells.
struct AdditiveGroup {
  std::size_t total = 0;
  std::vector<std::size_t> parts;
};

// Applies 1 and 2 to `cells` in place. Requires: threshold >= 1 (1 suppresses nothing), every
// index < cells.size().
void suppress_small_counts(std::vector<Cell>& cells, const std::vector<AdditiveGroup>& groups, std::int64_t threshold);

// What a reader can recompute for each group with a shown total: the total minus the shown parts
// (for tests and for a check before anything leaves: every value must be 0 or >= threshold).
std::vector<std::int64_t> recomputable_residuals(const std::vector<Cell>& cells, const std::vector<AdditiveGroup>& groups);

}  // namespace outreach::services
