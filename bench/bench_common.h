#pragma once
// Helpers the bench harnesses share (header only: each *_bench.cpp is its own executable).

#include <algorithm>
#include <cstdio>
#include <string>

#include "core/clock.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"

namespace outreach::bench {

// /proc/loadavg without its newline: every figure is printed with it.
inline std::string loadavg() {
  std::FILE* f = std::fopen("/proc/loadavg", "r");
  char buf[128] = {};
  if (f) {
    if (!std::fgets(buf, sizeof buf, f)) buf[0] = 0;
    std::fclose(f);
  }
  std::string s = buf;
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// n people in GM0599 with phone +3161<10000000 + i> and consent for "outreach" on `channel`,
// committed 10,000 per transaction.
inline void add_people(storage::Database& db, long n, const std::string& channel, core::TimePoint at) {
  storage::ContactStore contacts(db);
  storage::ConsentLedger ledger(db);
  for (long i = 0; i < n; i += 10000) {
    db.transaction([&]() -> core::Status {
      for (long j = i; j < std::min(n, i + 10000); ++j) {
        storage::Contact c;
        c.name = "Persoon " + std::to_string(j);
        c.municipality = "GM0599";
        c.addresses.push_back({core::Urn::trusted("tel:+3161" + std::to_string(10000000 + j)).value()});
        auto id = contacts.add(c, at);
        if (!id) return id.error();
        storage::ConsentEvent ev{.contact_id = *id, .purpose = "outreach", .channel = channel, .source = "import",
                                 .collector = "bench", .at = at};
        if (auto r = ledger.record(ev); !r) return r.error();
      }
      return {};
    }).take();
  }
}

}  // namespace outreach::bench
