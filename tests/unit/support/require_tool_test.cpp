// OUTREACH_REQUIRE_TOOL: a missing tool skips the test on a developer's machine and fails it under CI.

#include "tests/support/require_tool.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace outreach::test {
namespace {

// Sets (or unsets, with nullptr) the environment variable CI for one test and restores it after.
class CiVariable {
 public:
  explicit CiVariable(const char* value) {
    if (const char* old = std::getenv("CI")) old_ = old;
    if (value) ::setenv("CI", value, 1);
    else ::unsetenv("CI");
  }
  ~CiVariable() {
    if (old_) ::setenv("CI", old_->c_str(), 1);
    else ::unsetenv("CI");
  }

 private:
  std::optional<std::string> old_;
};

// Runs one require in a function of its own and collects what it reported (failure or skip).
void require(bool tool_present, ::testing::TestPartResultArray& results) {
  ::testing::ScopedFakeTestPartResultReporter reporter(
      ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
  const int port = 2525;
  [&] { OUTREACH_REQUIRE_TOOL(tool_present, "SMTP sink unavailable on port " << port); }();
}

TEST(RequireTool, MissingToolSkipsOutsideCi) {
  for (const char* ci : {static_cast<const char*>(nullptr), "", "false", "1"}) {
    CiVariable env(ci);
    ::testing::TestPartResultArray r;
    require(false, r);
    ASSERT_EQ(r.size(), 1) << "CI=" << (ci ? ci : "(unset)");
    EXPECT_TRUE(r.GetTestPartResult(0).skipped());
    EXPECT_STREQ(r.GetTestPartResult(0).message(), "SMTP sink unavailable on port 2525");
  }
}

TEST(RequireTool, MissingToolFailsUnderCi) {
  CiVariable env("true");
  ::testing::TestPartResultArray r;
  require(false, r);
  ASSERT_EQ(r.size(), 1);
  EXPECT_TRUE(r.GetTestPartResult(0).fatally_failed());
  EXPECT_NE(std::string(r.GetTestPartResult(0).message()).find("SMTP sink unavailable on port 2525"),
            std::string::npos)
      << r.GetTestPartResult(0).message();
}

TEST(RequireTool, PresentToolReportsNothing) {
  for (const char* ci : {static_cast<const char*>(nullptr), "true"}) {
    CiVariable env(ci);
    ::testing::TestPartResultArray r;
    require(true, r);
    EXPECT_EQ(r.size(), 0) << "CI=" << (ci ? ci : "(unset)");
  }
}

}  // namespace
}  // namespace outreach::test
