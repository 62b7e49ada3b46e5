#pragma once
// Numbered schema migrations. Migration N (1-based) brings the schema from version N-1 to N.
// Append only: never edit a migration that has shipped.

#include <string>
#include <vector>

namespace outreach::storage {

const std::vector<std::string>& migrations();

}  // namespace outreach::storage
