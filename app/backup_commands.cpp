// `outreach backup FILE`: a consistent online copy of the database (storage/backup.h) while the
// engine may be writing, plus what a restore needs beside it:
//   FILE.secret       the server secret (storage/server_secret.h): without it the suppression list
//                     matches nothing, unsubscribe links and audit checkpoints cannot be checked;
//   FILE.checkpoints  the signed audit checkpoints, copied before the database, so every
//                     checkpoint in it is covered by the copy (`audit verify --checkpoint`).
// `outreach --db FILE ...` opens the copy with FILE.secret by default.
#include <sys/stat.h>

#include <filesystem>
#include <iomanip>
#include <ostream>

#include "app/commands.h"
#include "storage/backup.h"

namespace outreach::app {

namespace fs = std::filesystem;

namespace {

// Copies `from` to `to` (refusing to overwrite unless force), then sets `mode`.
void copy_beside(const std::string& from, const std::string& to, bool force, fs::perms mode) {
  std::error_code ec;
  if (fs::exists(to) && !force)
    throw core::ErrorException(core::Error::conflict(to + " exists; give --force to overwrite it", "FILE"));
  fs::copy_file(from, to, force ? fs::copy_options::overwrite_existing : fs::copy_options::none, ec);
  if (ec) throw core::ErrorException(core::Error::internal("cannot copy " + from + ": " + ec.message(), to));
  fs::permissions(to, mode, ec);
}

}  // namespace

int cmd_backup(AppContext& ctx, const std::string& file, bool force, std::ostream& out) {
  const std::string secret_copy = file + ".secret";
  const std::string checkpoint_copy = file + ".checkpoints";
  if (!force) {
    for (const auto& p : {file, secret_copy, checkpoint_copy}) {
      if (fs::exists(p)) throw core::ErrorException(core::Error::conflict(p + " exists; give --force to overwrite it", "FILE"));
    }
  }
  // Checkpoints first: each one then names a record the copy holds.
  const std::string& checkpoints = ctx.config.audit.file;
  const bool have_checkpoints = !checkpoints.empty() && fs::exists(checkpoints);
  if (have_checkpoints) copy_beside(checkpoints, checkpoint_copy, force, fs::perms::owner_read | fs::perms::owner_write);

  auto backed_up = storage::backup_database(*ctx.db, file, {.overwrite = force});
  if (!backed_up) {
    std::error_code ec;
    if (have_checkpoints) fs::remove(checkpoint_copy, ec);  // nothing half-done left behind
    throw core::ErrorException(backed_up.error());
  }
  const storage::BackupReport& report = *backed_up;
  out << "backup of " << ctx.db_path << " written to " << file << ": " << report.pages << " pages, " << report.bytes
      << " bytes, " << report.steps << " step(s)";
  if (report.restarts > 0) out << ", restarted " << report.restarts << " time(s) by writes";
  if (report.finished_in_one_step) out << ", finished in one step";
  out << "\n";

  if (!ctx.secret_path.empty() && fs::exists(ctx.secret_path)) {
    copy_beside(ctx.secret_path, secret_copy, force, fs::perms::owner_read | fs::perms::owner_write);
    out << "server secret copied to " << secret_copy
        << " (mode 0600): keep it as safe as the database, and apart from it off this machine; without it "
           "the suppression list matches nothing and audit checkpoints cannot be verified\n";
  } else {
    out << "no server secret file to copy: back up " << (ctx.secret_path.empty() ? "the secret" : ctx.secret_path)
        << " separately\n";
  }
  if (have_checkpoints) {
    out << "audit checkpoints copied to " << checkpoint_copy << "; check the copy with: outreach --db " << file
        << " audit verify --checkpoint " << checkpoint_copy << "\n";
  }
  return 0;
}

}  // namespace outreach::app
