#pragma once
// Reading fields out of provider JSON, shared by the connectors' .cpp files (never include this
// from a header: it brings in nlohmann).

#include <nlohmann/json.hpp>

#include <string>

namespace outreach::channels::detail {

// The field as text: strings as they are, integers in decimal (providers send ids as either);
// empty when absent or of another type.
inline std::string str_of(const nlohmann::json& j, const char* name) {
  if (!j.is_object() || !j.contains(name)) return {};
  const nlohmann::json& v = j[name];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return {};
}

}  // namespace outreach::channels::detail
