#include "engine/policy/frequency_cap.h"

#include <algorithm>

namespace outreach::engine {

FrequencyCap::FrequencyCap(std::size_t max_messages, core::Millis window)
    : max_(std::max<std::size_t>(1, max_messages)), window_(std::max(window, core::Millis(1))) {}

void FrequencyCap::seed(const std::vector<std::pair<ContactKey, core::TimePoint>>& recent_sends,
                        core::TimePoint now) {
  for (const auto& [contact, at] : recent_sends) {
    if (at + window_ <= now) continue;
    record(contact, at);
  }
}

void FrequencyCap::replace(const std::vector<ContactKey>& contacts,
                           const std::vector<std::pair<ContactKey, core::TimePoint>>& recent_sends, core::TimePoint now) {
  for (auto c : contacts) sends_.erase(c);
  seed(recent_sends, now);
}

std::deque<core::TimePoint>* FrequencyCap::live(ContactKey contact, core::TimePoint now) {
  auto it = sends_.find(contact);
  if (it == sends_.end()) return nullptr;
  auto& times = it->second;
  while (!times.empty() && times.front() + window_ <= now) times.pop_front();
  if (times.empty()) {
    sends_.erase(it);
    return nullptr;
  }
  return &times;
}

bool FrequencyCap::allow(ContactKey contact, core::TimePoint now) {
  const auto* times = live(contact, now);
  return !times || times->size() < max_;
}

void FrequencyCap::record(ContactKey contact, core::TimePoint at) {
  auto& times = sends_[contact];
  // Keep the deque sorted; sends normally arrive in order, so this is an append.
  times.insert(std::upper_bound(times.begin(), times.end(), at), at);
  if (++records_since_prune_ >= kPruneEvery) prune(at);
}

core::TimePoint FrequencyCap::next_allowed(ContactKey contact, core::TimePoint now) {
  const auto* times = live(contact, now);
  if (!times || times->size() < max_) return now;
  // The (size - max + 1)-th oldest send must leave the window first.
  return (*times)[times->size() - max_] + window_;
}

void FrequencyCap::prune(core::TimePoint now) {
  records_since_prune_ = 0;
  for (auto it = sends_.begin(); it != sends_.end();) {
    auto& times = it->second;
    while (!times.empty() && times.front() + window_ <= now) times.pop_front();
    it = times.empty() ? sends_.erase(it) : std::next(it);
  }
}

}  // namespace outreach::engine
