#include "services/actor.h"

namespace outreach::services {

std::vector<std::string> Actor::scope_list() const {
  std::vector<std::string> out;
  std::string item;
  for (char ch : scope + ",") {
    if (ch == ',') {
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (!(ch == ' ' && item.empty())) {
      item.push_back(ch);
    }
  }
  return out;
}

}  // namespace outreach::services
