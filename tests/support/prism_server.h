#pragma once
// Test fixture helper: runs a Stoplight Prism mock server (`prism mock`) for one OpenAPI spec on a
// free loopback port and stops it when destroyed. Prism validates each request against the spec and
// answers 422 with the reasons (body and the sl-violations header) when it does not conform.
// Owns the child process (its own process group); not copyable; use from one thread.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "core/error.h"

namespace outreach::test {

class PrismServer {
 public:
  // $OUTREACH_PRISM, then ${OUTREACH_TOOLS:-$HOME/.cache/outreach-tools}/node_modules/.bin/prism,
  // then `prism` on PATH; nullopt when none is executable.
  static std::optional<std::string> find_executable();
  // The provider spec shipped beside the repository: OUTREACH_SOURCE_DIR "/../shared/specs/<file>".
  static std::string spec_path(std::string_view file);
  // The message to skip with when Prism is missing.
  static const char* kInstallHint;

  // Starts `prism mock -h 127.0.0.1 -p <port> <spec>` and waits until the port accepts connections.
  // Errors: Prism missing (not_found), the child exiting early or the timeout passing (internal,
  // with the tail of Prism's log).
  static core::Result<std::unique_ptr<PrismServer>> start(const std::string& spec,
                                                          std::chrono::seconds timeout = std::chrono::seconds(60));

  PrismServer(const PrismServer&) = delete;
  PrismServer& operator=(const PrismServer&) = delete;
  ~PrismServer();  // SIGTERM to the process group, SIGKILL after 5 s

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& log_path() const { return log_path_; }
  std::string log_tail(std::size_t bytes = 2000) const;

 private:
  static core::Result<std::unique_ptr<PrismServer>> start_once(const std::string& exe, const std::string& spec,
                                                               std::chrono::seconds timeout, std::string& log_tail);
  PrismServer(pid_t pid, int port, std::string log_path) : pid_(pid), port_(port), log_path_(std::move(log_path)) {}
  pid_t pid_;
  int port_;
  std::string log_path_;
};

}  // namespace outreach::test
