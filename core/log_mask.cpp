#include "core/log_mask.h"

#include "core/text_encoding.h"

namespace outreach::core {

std::string mask_address(std::string_view address) {
  std::string_view scheme, path = address;
  if (auto colon = address.find(':'); colon != std::string_view::npos && colon < 16) {
    scheme = address.substr(0, colon + 1);
    path = address.substr(colon + 1);
  }
  if (scheme == "intermediary:" || scheme == "page:") return repair_utf8(address);
  std::string out(scheme);
  if (auto at = path.rfind('@'); at != std::string_view::npos) {
    std::string_view local = path.substr(0, at);
    out += local.empty() ? std::string() : std::string(1, local[0]);
    out += "***";
    out += path.substr(at);
    return repair_utf8(out);
  }
  if (path.size() < 8) {
    out += std::string(path.size(), '*');
    return out;
  }
  out += path.substr(0, 4);
  out += std::string(path.size() - 6, '*');
  out += path.substr(path.size() - 2);
  return repair_utf8(out);
}

}  // namespace outreach::core
