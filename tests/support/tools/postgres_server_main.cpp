// One PostgreSQL server for a whole ctest run (tests/support/postgres_server.h):
//   test_postgres_server start FILE   starts it, writes its directory and port to FILE, and exits;
//                                     the server stops when this process's parent (ctest) ends
//   test_postgres_server stop FILE    stops it and removes its directory and FILE
// Without PostgreSQL, `start` fails under CI=true and otherwise writes nothing and succeeds: each
// test process then tries a server of its own and skips.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "tests/support/postgres_server.h"
#include "tests/support/require_tool.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s start|stop FILE\n", argv[0]);
    return 2;
  }
  const std::string command = argv[1];
  const std::string file = argv[2];
  using outreach::test::PostgresServer;
  if (command == "start") {
    if (::access(file.c_str(), F_OK) == 0) (void)PostgresServer::stop_shared(file);  // a run that was killed
    auto server = PostgresServer::start_shared(file, static_cast<int>(::getppid()));
    if (!server->ok()) {
      std::fprintf(stderr, "PostgreSQL for the tests: %s\n", server->error().c_str());
      std::remove(file.c_str());
      return outreach::test::running_in_ci() ? 1 : 0;
    }
    std::printf("PostgreSQL for the tests in %s\n", server->directory().c_str());
    return 0;
  }
  if (command == "stop") {
    if (::access(file.c_str(), F_OK) != 0) return 0;  // none was started
    auto st = PostgresServer::stop_shared(file);
    if (!st) std::fprintf(stderr, "%s\n", st.error().what().c_str());
    return st ? 0 : 1;
  }
  std::fprintf(stderr, "unknown command %s\n", command.c_str());
  return 2;
}
