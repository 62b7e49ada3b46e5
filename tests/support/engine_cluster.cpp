#include "tests/support/engine_cluster.h"

#include <signal.h>

#include <cstdio>
#include <fstream>
#include <random>

#include "tests/support/postgres_server.h"
#include "tests/support/require_tool.h"
#include "tests/support/spawn.h"

namespace outreach::test {

namespace fs = std::filesystem;

void EngineCluster::SetUp() {
  auto* pg = PostgresServer::shared();
  OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
  url_ = pg->create_database().take();
  dir_ = fs::temp_directory_path() / (prefix_ + std::to_string(std::random_device{}()));
  fs::create_directories(dir_);
  log_ = dir_ / "server.log";
  times_ = dir_ / "server.times";
  server_ = spawn_recording_server(log_, times_, dir_ / "server.err", &port_);
  ASSERT_GT(server_, 0) << slurp(dir_ / "server.err");
}

void EngineCluster::TearDown() {
  for (pid_t& p : engines_) {
    if (p > 0) {
      kill(p, SIGKILL);
      wait_exit(p);
      p = -1;
    }
  }
  if (server_ > 0) {
    kill(server_, SIGKILL);
    wait_exit(server_);
  }
  if (dir_.empty()) return;
  if (!HasFailure()) fs::remove_all(dir_);
  else std::fprintf(stderr, "kept %s for inspection\n", dir_.c_str());
}

std::string EngineCluster::write(const std::string& name, const std::string& text) {
  auto p = dir_ / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

void EngineCluster::write_config(const std::string& rest) {
  config_ = write("outreach.yaml", "database: " + url_ + "\n"
                                   "secret_file: " + (dir_ / "secret").string() + "\n"
                                   "audit: {checkpoint_file: " + (dir_ / "checkpoints").string() + "}\n"
                                   "public_base_url: http://127.0.0.1:8080\n" + rest);
}

std::vector<std::string> EngineCluster::cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {OUTREACH_BINARY, "--config", config_, "--db", url_};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

int EngineCluster::run(const std::vector<std::string>& args) {
  fs::remove(dir_ / "cli.out");
  return wait_exit(spawn(cli(args), dir_ / "cli.out", dir_ / "cli.err"));
}

pid_t EngineCluster::serve(const std::string& name) {
  return spawn(cli({"serve", "--listen", "127.0.0.1:0"}), dir_ / (name + ".out"), dir_ / (name + ".err"));
}

}  // namespace outreach::test
