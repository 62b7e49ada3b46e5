// The PostgreSQL test fixture itself: it starts a real server, hands out separate databases, and
// leaves nothing behind, even when the test process dies without running a destructor.
#include "tests/support/postgres_server.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/support/require_tool.h"

namespace outreach::test {
namespace {

TEST(PostgresServerTest, HandsOutASeparateDatabasePerCall) {
  auto* pg = PostgresServer::shared();
  OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
  auto a = pg->create_database();
  auto b = pg->create_database();
  ASSERT_TRUE(a) << a.error().what();
  ASSERT_TRUE(b) << b.error().what();
  EXPECT_NE(a.value(), b.value());
  EXPECT_EQ(a.value().rfind("postgresql:///test_", 0), 0u) << a.value();
  EXPECT_TRUE(pg->admin("SELECT 1"));
  EXPECT_FALSE(pg->admin("SELECT * FROM no_such_table"));
}

TEST(PostgresServerTest, ACrashedTestLeavesNoServerAndNoDirectory) {
  {
    auto* pg = PostgresServer::shared();  // the tools are there (or the test says why not)
    OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
  }
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    auto* server = new PostgresServer();  // never destroyed: the process "crashes" below
    std::string dir = server->ok() ? server->directory() : std::string();
    dir += '\n';
    (void)!::write(fds[1], dir.data(), dir.size());
    ::_exit(3);
  }
  ::close(fds[1]);
  std::string dir;
  char c;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') dir += c;
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_FALSE(dir.empty()) << "the child could not start a server";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::filesystem::exists(dir) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(std::filesystem::exists(dir)) << dir << " is still there";
}

}  // namespace
}  // namespace outreach::test
