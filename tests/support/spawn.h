#pragma once
// Child processes for the crash tests (tests/integration/engine/*crash_test.cpp): the real
// `outreach` binary and the loopback servers, started in the source directory with their output in
// files, killed and waited for by the test.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace outreach::test {

// Starts argv (argv[0] searched in PATH) in OUTREACH_SOURCE_DIR, stdout appended to `out` (or, with
// `stdout_pipe`, to a pipe whose read end it gets) and stderr to `err`. Returns the pid, -1 on failure.
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& out, const std::filesystem::path& err,
            int* stdout_pipe = nullptr);
// Starts tests/support/recording_server.py (Debian's python3), which logs what it receives into
// `log` (and send times into `times` unless empty), stderr into `err`, and reads its "PORT <n>"
// line into `port`. Returns the pid, -1 on failure.
pid_t spawn_recording_server(const std::filesystem::path& log, const std::filesystem::path& times,
                             const std::filesystem::path& err, int* port);
// Waits for `pid`: its exit code, or minus the signal that ended it.
int wait_exit(pid_t pid);
// A whole file ("" when it cannot be read).
std::string slurp(const std::filesystem::path& path);

}  // namespace outreach::test
