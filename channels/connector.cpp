#include "channels/connector.h"

#include <cctype>

namespace outreach::channels {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}
}  // namespace

const std::string* find_header(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

const char* to_string(SendVerdict v) {
  switch (v) {
    case SendVerdict::sent: return "sent";
    case SendVerdict::transient: return "transient";
    case SendVerdict::permanent: return "permanent";
    case SendVerdict::opted_out: return "opted_out";
    case SendVerdict::ambiguous: return "ambiguous";
  }
  return "transient";
}

const char* to_string(DeliveryState s) {
  switch (s) {
    case DeliveryState::sent: return "sent";
    case DeliveryState::delivered: return "delivered";
    case DeliveryState::read: return "read";
    case DeliveryState::undelivered: return "undelivered";
  }
  return "sent";
}

}  // namespace outreach::channels
