#pragma once
// A test that needs a loopback server or an outside tool (aiosmtpd, Dovecot, Prism, ...) states it
// with OUTREACH_REQUIRE_TOOL(cond, why). When cond is false the test is skipped with `why` on a
// developer's machine, but fails under CI (environment variable CI is "true"): CI installs every
// tool, so a missing one there is a broken setup, not a reason to report green.
//
//   OUTREACH_REQUIRE_TOOL(sink.ok(), "SMTP sink unavailable: " << sink.error());
//
// `why` may be a `<<` chain. Like GTEST_SKIP and FAIL it returns from the enclosing void function
// (a test body or SetUp), so the rest of the test does not run.

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace outreach::test {

// True when the environment variable CI is exactly "true" (as GitHub, GitLab and ../shared/tools set it).
inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

}  // namespace outreach::test

#define OUTREACH_REQUIRE_TOOL(cond, why)                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      if (::outreach::test::running_in_ci()) {                             \
        FAIL() << "required under CI=true, never skipped: " << why;        \
      } else {                                                             \
        GTEST_SKIP() << why;                                               \
      }                                                                    \
    }                                                                      \
  } while (0)
