#pragma once
// Municipalities (by CBS code) and regions. A region has a hub municipality (centrumgemeente) that
// takes over cases its members leave unhandled; every municipality has a fallback owner (the
// national team) behind that. Mergers are kept with valid_from/valid_to and a successor code.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace outreach::storage {

class Database;

struct Region {
  std::string code;  // "rijnmond"
  std::string name;
  std::string hub_code;  // CBS code of the hub municipality
};

struct Municipality {
  std::string code;  // "GM0599"
  std::string name;
  std::string region_code;  // empty when in no configured region
  std::string valid_from = "1900-01-01";
  std::string valid_to;        // empty while valid
  std::string successor_code;  // set when merged into another
  std::string fallback_owner = "national";
};

// `db` must outlive the store.
class MunicipalityStore {
 public:
  explicit MunicipalityStore(Database& db) : db_(db) {}
  MunicipalityStore(const MunicipalityStore&) = delete;
  MunicipalityStore& operator=(const MunicipalityStore&) = delete;

  core::Status upsert_region(const Region& r);
  core::Status upsert(const Municipality& m);
  core::Result<Municipality> get(const std::string& code) const;
  std::vector<Municipality> list() const;
  std::vector<Region> regions() const;
  core::Result<Region> region(const std::string& code) const;
  // Municipality code -> region code, for audience selection.
  std::map<std::string, std::string> region_of_all() const;
  // Municipality code -> name.
  std::map<std::string, std::string> names() const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
