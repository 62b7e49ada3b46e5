// Erasure reaches the disk: after People::erase no byte of the person's name or address is left in
// the database file or its write-ahead log (secure_delete zeroes freed space; the TRUNCATE
// checkpoint after the commit moves the zeroed pages into the file and empties the log).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <SQLiteCpp/SQLiteCpp.h>

#include "core/clock.h"
#include "engine/engine_config.h"
#include "services/people.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "tests/support/actors.h"

namespace outreach::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(ErasureOnDisk, NoByteOfTheNameOrAddressRemainsInTheFileOrTheLog) {
  const fs::path dir = fs::temp_directory_path() / ("outreach-erase-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  const std::string path = (dir / "erase.db").string();
  {
    auto db = storage::Database::open(path).take();
    core::ManualClock clock(core::from_millis(1'790'000'000'000));
    db->sqlite().exec("INSERT INTO regions(code, name, hub_code) VALUES ('rijnmond', 'Rijnmond', 'GM0599')");
    db->sqlite().exec("INSERT INTO municipalities(code, name, region_code) VALUES ('GM0599', 'Rotterdam', 'rijnmond')");
    storage::Contact c;
    c.name = "Zoraida Vlinderbloem";
    c.municipality = "GM0599";
    c.language = "nl";
    c.addresses.push_back({core::Urn::email("zoraida.vlinderbloem@example.org").take()});
    const auto id = storage::ContactStore(*db).add(c, clock.now()).take();
    const std::string wal = slurp(path + "-wal") + slurp(path);
    ASSERT_NE(wal.find("Vlinderbloem"), std::string::npos) << "the test must see the name on disk before erasure";

    engine::EngineConfig config;
    config.suppression_key = "test-suppression-key";
    services::People people(*db, clock, config);
    ASSERT_TRUE(people.erase(test::actor("amira"), id));
    for (const fs::path& f : {fs::path(path), fs::path(path + "-wal")}) {
      const std::string bytes = slurp(f);
      EXPECT_EQ(bytes.find("Vlinderbloem"), std::string::npos) << f;
      EXPECT_EQ(bytes.find("vlinderbloem@example.org"), std::string::npos) << f;
    }
    EXPECT_EQ(fs::exists(path + "-wal") ? fs::file_size(path + "-wal") : 0u, 0u) << "the log was truncated";
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace outreach::test
