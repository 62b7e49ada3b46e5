#include "storage/municipality_store.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {

core::Status MunicipalityStore::upsert_region(const Region& r) {
  try {
    Statement st(db_,
                 "INSERT INTO regions(code, name, hub_code) VALUES(?, ?, ?) "
                 "ON CONFLICT(code) DO UPDATE SET name = excluded.name, hub_code = excluded.hub_code");
    st.bind(1, r.code);
    st.bind(2, r.name);
    st.bind(3, r.hub_code);
    st.exec();
    return {};
  } catch (const std::exception& e) {
    return storage_error(e, "MunicipalityStore::upsert_region");
  }
}

core::Status MunicipalityStore::upsert(const Municipality& m) {
  try {
    Statement st(
        db_,
        "INSERT INTO municipalities(code, name, region_code, valid_from, valid_to, successor_code, "
        "fallback_owner) VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
        "region_code = excluded.region_code, valid_from = excluded.valid_from, valid_to = excluded.valid_to, "
        "successor_code = excluded.successor_code, fallback_owner = excluded.fallback_owner");
    st.bind(1, m.code);
    st.bind(2, m.name);
    bind_text_or_null(st, 3, m.region_code);
    st.bind(4, m.valid_from);
    bind_text_or_null(st, 5, m.valid_to);
    bind_text_or_null(st, 6, m.successor_code);
    st.bind(7, m.fallback_owner);
    st.exec();
    return {};
  } catch (const std::exception& e) {
    auto err = storage_error(e, "MunicipalityStore::upsert");
    // SQLite says "CHECK constraint failed", PostgreSQL "violates check constraint".
    const std::string what = e.what();
    if (what.find("CHECK constraint") != std::string::npos || what.find("check constraint") != std::string::npos) {
      return core::Error::invalid("'" + m.code + "' is not a CBS municipality code (GM + 4 digits)", "code");
    }
    if (err.code == core::ErrorCode::invalid_input) {
      return core::Error::invalid("unknown region '" + m.region_code + "'", "region");
    }
    return err;
  }
}

namespace {
Municipality read_municipality(Statement& st) {
  Municipality m;
  m.code = st.getColumn(0).getString();
  m.name = st.getColumn(1).getString();
  m.region_code = st.getColumn(2).getString();
  m.valid_from = st.getColumn(3).getString();
  m.valid_to = st.getColumn(4).getString();
  m.successor_code = st.getColumn(5).getString();
  m.fallback_owner = st.getColumn(6).getString();
  return m;
}
constexpr const char* kSelect =
    "SELECT code, name, region_code, valid_from, valid_to, successor_code, fallback_owner FROM municipalities";
}  // namespace

core::Result<Municipality> MunicipalityStore::get(const std::string& code) const {
  auto st_cached = db_.cached(std::string(kSelect) + " WHERE code = ?");
  Statement& st = *st_cached;
  st.bind(1, code);
  if (!st.executeStep()) return core::Error::not_found("unknown municipality '" + code + "'");
  return read_municipality(st);
}

std::vector<Municipality> MunicipalityStore::list() const {
  std::vector<Municipality> out;
  Statement st(db_, std::string(kSelect) + " ORDER BY code");
  while (st.executeStep()) out.push_back(read_municipality(st));
  return out;
}

std::vector<Region> MunicipalityStore::regions() const {
  std::vector<Region> out;
  Statement st(db_, "SELECT code, name, hub_code FROM regions ORDER BY code");
  while (st.executeStep()) {
    out.push_back({st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString()});
  }
  return out;
}

core::Result<Region> MunicipalityStore::region(const std::string& code) const {
  auto st_cached = db_.cached("SELECT code, name, hub_code FROM regions WHERE code = ?");
  Statement& st = *st_cached;
  st.bind(1, code);
  if (!st.executeStep()) return core::Error::not_found("unknown region '" + code + "'");
  return Region{st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString()};
}

std::map<std::string, std::string> MunicipalityStore::region_of_all() const {
  std::map<std::string, std::string> out;
  // Cached: every response-list page asks for the regions to check the reader's scope.
  auto st = db_.cached("SELECT code, region_code FROM municipalities WHERE region_code IS NOT NULL");
  while (st->executeStep()) out[st->getColumn(0).getString()] = st->getColumn(1).getString();
  return out;
}

std::map<std::string, std::string> MunicipalityStore::names() const {
  std::map<std::string, std::string> out;
  Statement st(db_, "SELECT code, name FROM municipalities");
  while (st.executeStep()) out[st.getColumn(0).getString()] = st.getColumn(1).getString();
  return out;
}

}  // namespace outreach::storage
