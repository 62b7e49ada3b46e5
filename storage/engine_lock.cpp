#include "storage/engine_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/postgres_backend.h"

namespace outreach::storage {

core::Result<std::unique_ptr<EngineLock>> EngineLock::acquire(const std::string& database_path) {
  if (database_path == ":memory:") return std::unique_ptr<EngineLock>(new EngineLock(-1));
  // Engines on PostgreSQL share the work: claims skip each other's rows (SKIP LOCKED) and the
  // singletons run under an advisory lock (storage/leader_lock.h).
  if (is_postgres_url(database_path)) return std::unique_ptr<EngineLock>(new EngineLock(-1, true));
  const std::string path = database_path + ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return core::Error::internal(std::string("cannot open the engine lock file: ") + std::strerror(errno), path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return core::Error::conflict("another engine (outreach serve or outreach run) is using " + database_path +
                                       "; stop it first, one engine per database",
                                   path);
    return core::Error::internal(std::string("cannot lock: ") + std::strerror(err), path);
  }
  return std::unique_ptr<EngineLock>(new EngineLock(fd));
}

EngineLock::~EngineLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace outreach::storage
