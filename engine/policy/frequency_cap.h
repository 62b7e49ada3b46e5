#pragma once
// FrequencyCap: per contact, at most `max_messages` sends in any rolling `window` (e.g. 2 per
// 24 h), across campaigns. A send at time t counts against the contact while now < t + window.
//
// In-memory: the dispatcher seeds it from storage (recent send times) at start-up and records
// every send it makes. Old entries are pruned as contacts are touched and by prune(now), which
// record() also runs every kPruneEvery records, so memory stays proportional to the contacts sent
// to within one window.
// Threading: not thread-safe; use on the engine thread.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.h"

namespace outreach::engine {

using ContactKey = std::int64_t;  // the contact's storage id

class FrequencyCap {
 public:
  static constexpr std::size_t kPruneEvery = 4096;

  // Requires: max_messages >= 1, window > 0.
  FrequencyCap(std::size_t max_messages, core::Millis window);

  // Loads recent sends (any order; entries already outside the window at `now` are dropped).
  void seed(const std::vector<std::pair<ContactKey, core::TimePoint>>& recent_sends,
            core::TimePoint now);

  // Forgets what it knew of `contacts` and loads their recent sends instead (engines sharing a
  // database: the database knows the sends of all of them).
  void replace(const std::vector<ContactKey>& contacts,
               const std::vector<std::pair<ContactKey, core::TimePoint>>& recent_sends, core::TimePoint now);

  // True when one more message to `contact` at `now` stays within the cap.
  bool allow(ContactKey contact, core::TimePoint now);
  // Counts a send to `contact` at `at`.
  void record(ContactKey contact, core::TimePoint at);
  // The earliest time >= now when allow(contact, t) is true.
  core::TimePoint next_allowed(ContactKey contact, core::TimePoint now);

  // Drops send times outside the window and contacts with none left.
  void prune(core::TimePoint now);

  std::size_t tracked_contacts() const { return sends_.size(); }
  std::size_t max_messages() const { return max_; }
  core::Millis window() const { return window_; }

 private:
  // Drops expired entries of one contact; returns its remaining sends (sorted ascending).
  std::deque<core::TimePoint>* live(ContactKey contact, core::TimePoint now);

  std::size_t max_;
  core::Millis window_;
  std::unordered_map<ContactKey, std::deque<core::TimePoint>> sends_;
  std::size_t records_since_prune_ = 0;
};

}  // namespace outreach::engine
