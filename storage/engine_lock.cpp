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
  if (is_postgres_url(database_path)) {
    // Engines on PostgreSQL will share the work (claims with SKIP LOCKED, singletons under an
    // advisory lock); until then no engine runs there rather than one that thinks it is alone.
    return core::Error::invalid("outreach serve and outreach run do not run on PostgreSQL yet; use a SQLite "
                                "database for the engine (the stores and migrations work on both)",
                                "database");
  }
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
