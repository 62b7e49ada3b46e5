#pragma once
// Loading municipalities and regions from CSV (config/data/municipalities.csv, regions.csv).

#include <string>

#include "core/error.h"

namespace outreach::storage {
class Database;
}

namespace outreach::app {

// Both files in one transaction; errors name file and line, and nothing is loaded then.
core::Result<int> load_municipalities(storage::Database& db, const std::string& municipalities_csv,
                                      const std::string& regions_csv);

// Whole file as text; errors name the file.
core::Result<std::string> read_file(const std::string& path);

}  // namespace outreach::app
