#include "tests/support/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

namespace outreach::test {

pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& out, const std::filesystem::path& err,
            int* stdout_pipe) {
  int fds[2] = {-1, -1};
  if (stdout_pipe && pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(OUTREACH_SOURCE_DIR) != 0) _exit(126);
    int o = stdout_pipe ? fds[1] : open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(o, 1);
    dup2(e, 2);
    if (stdout_pipe) close(fds[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  if (stdout_pipe) {
    close(fds[1]);
    *stdout_pipe = fds[0];
  }
  return pid;
}

pid_t spawn_recording_server(const std::filesystem::path& log, const std::filesystem::path& times,
                             const std::filesystem::path& err, int* port) {
  std::vector<std::string> argv = {"/usr/bin/python3", std::string(OUTREACH_SOURCE_DIR) + "/tests/support/recording_server.py",
                                   log.string()};
  if (!times.empty()) argv.push_back(times.string());
  int fd = -1;
  pid_t pid = spawn(argv, {}, err, &fd);
  if (pid <= 0) return -1;
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') line += c;
  close(fd);
  if (line.rfind("PORT ", 0) != 0) {
    kill(pid, SIGKILL);
    wait_exit(pid);
    return -1;
  }
  *port = std::stoi(line.substr(5));
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace outreach::test
