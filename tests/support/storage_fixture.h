#pragma once
// A fresh in-memory database per test, a manual clock at 2026-11-02T09:00Z, and one-line helpers
// for the rows most storage tests need (a region, a municipality, a contact with addresses).
// Header-only so it adds nothing to the support library's link line. Raw SQL, for checking what
// the stores deliberately do not expose, goes through sql_int/sql_text (storage::Statement, any
// backend) or, for tampering with the SQLite file, db->sqlite() (SQLiteCpp).

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/urn.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"

namespace outreach::test {

// 2026-11-02T09:00:00Z
inline core::TimePoint storage_epoch() {
  using namespace std::chrono;
  return core::TimePoint(duration_cast<core::Millis>(sys_days{year{2026} / November / 2}.time_since_epoch() + hours{9}));
}

class StorageTest : public ::testing::Test {
 protected:
  StorageTest() : clock(storage_epoch()) {
    auto opened = storage::Database::open(":memory:");
    if (!opened) throw core::ErrorException(opened.error());
    db = std::move(opened).take();
  }

  core::TimePoint now() const { return clock.now(); }
  core::TimePoint at(core::Millis later) const { return clock.now() + later; }

  void add_region(const std::string& code, const std::string& hub_code) {
    storage::MunicipalityStore(*db).upsert_region({code, code + " region", hub_code}).take();
  }
  // Adds (or updates) a municipality, named after its code, optionally in a region.
  void add_municipality(const std::string& code, const std::string& region = {}) {
    storage::Municipality m;
    m.code = code;
    m.name = "Gemeente " + code;
    m.region_code = region;
    storage::MunicipalityStore(*db).upsert(m).take();
  }
  // Adds a contact in `municipality` (created when missing) with these addresses ("tel:+316...").
  std::int64_t add_contact(const std::string& name, const std::string& municipality = "GM0599",
                           std::initializer_list<const char*> urns = {}) {
    if (!municipality.empty() && !storage::MunicipalityStore(*db).get(municipality)) add_municipality(municipality);
    storage::Contact c;
    c.name = name;
    c.municipality = municipality;
    for (const char* u : urns) c.addresses.push_back({core::Urn::parse(u).take()});
    return storage::ContactStore(*db).add(c, clock.now()).take();
  }
  // One integer from raw SQL, for checks the stores do not expose.
  std::int64_t sql_int(const std::string& query) { return db->query_int64(query); }
  std::string sql_text(const std::string& query) {
    storage::Statement st(*db, query);
    st.executeStep();
    return st.getColumn(0).getString();  // throws when there is no row
  }

  core::ManualClock clock;
  std::unique_ptr<storage::Database> db;
};

}  // namespace outreach::test
