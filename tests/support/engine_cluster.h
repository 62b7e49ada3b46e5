#pragma once
// The fixture of the multi-engine tests (tests/integration/engine/multi_engine_*_test.cpp): a
// database of its own on the shared PostgreSQL (tests/support/postgres_server.h), a temporary
// directory, and the recording loopback server (tests/support/recording_server.py, its log in
// log_, send times in times_); `outreach` commands and `serve` engines run against them.
// TearDown kills the engines still running (engines_ > 0) and the server, and removes the
// directory unless the test failed (then it says where it is).

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace outreach::test {

class EngineCluster : public ::testing::Test {
 protected:
  // `prefix` names the temporary directory; `engines`: the size of engines_.
  EngineCluster(std::string prefix, int engines) : prefix_(std::move(prefix)), engines_(engines, -1) {}
  void SetUp() override;
  void TearDown() override;

  // Writes `text` into dir_/name; returns the path.
  std::string write(const std::string& name, const std::string& text);
  // Writes dir_/outreach.yaml into config_: the database, the secret and checkpoint files in
  // dir_, a loopback public_base_url, then `rest`.
  void write_config(const std::string& rest);
  // `outreach --config config_ --db url_ args...`
  std::vector<std::string> cli(const std::vector<std::string>& args) const;
  // Runs a command to its end (output in dir_/cli.out, cli.err): its exit code.
  int run(const std::vector<std::string>& args);
  // Starts `serve` on a free loopback port, output appended to dir_/<name>.out and <name>.err.
  pid_t serve(const std::string& name);

  std::string prefix_;
  std::string url_, config_;
  std::filesystem::path dir_, log_, times_;
  pid_t server_ = -1;
  int port_ = 0;
  std::vector<pid_t> engines_;
};

}  // namespace outreach::test
