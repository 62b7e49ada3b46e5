// `outreach migrate --to postgresql://...`: moving a programme's SQLite database to PostgreSQL.
// The copy itself, its counts and the audit chain check are storage::copy_database's
// (storage/database_copy.h); this command chooses the two databases, refuses the wrong ones early,
// and reports. The source is opened read-only and is not migrated (run `outreach init` first).
#include "app/migrate_command.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iomanip>
#include <memory>

#include "storage/audit_checkpoint.h"
#include "storage/audit_log.h"
#include "storage/database_copy.h"
#include "storage/postgres_backend.h"
#include "storage/server_secret.h"

namespace outreach::app {

namespace fs = std::filesystem;

namespace {
[[noreturn]] void refuse(core::Error e) { throw core::ErrorException(std::move(e)); }
}  // namespace

int cmd_migrate(AppContext& ctx, const std::string& to, std::ostream& out) {
  ctx.config = load_config(ctx.config_path).take();
  if (ctx.db_path.empty()) ctx.db_path = ctx.config.database;
  const std::string& source_path = ctx.db_path;
  if (storage::is_postgres_url(source_path)) {
    refuse(core::Error::invalid("the configured database " + storage::redact_postgres_url(source_path) +
                                    " is PostgreSQL already; migrate copies a SQLite database into PostgreSQL",
                                "database"));
  }
  if (!storage::is_postgres_url(to))
    refuse(core::Error::invalid("--to takes the PostgreSQL database to copy into, as postgresql://user@host/dbname", "--to"));
  if (source_path == ":memory:" || !fs::exists(source_path))
    refuse(core::Error::not_found("no SQLite database at " + source_path, "database"));
  const std::string target_shown = storage::redact_postgres_url(to);

  auto source = storage::Database::open_reader(source_path).take();
  const int latest = storage::Database::latest_schema_version();
  if (source->schema_version() < latest) {
    refuse(core::Error::invalid(source_path + " is at schema version " + std::to_string(source->schema_version()) +
                                    ", this program's is " + std::to_string(latest) +
                                    ": run `outreach init` on it first, then migrate",
                                "database"));
  }
  if (source->schema_version() > latest) {
    refuse(core::Error::invalid(source_path + " is at schema version " + std::to_string(source->schema_version()) +
                                    ", newer than this program (" + std::to_string(latest) + "): use the newer outreach",
                                "database"));
  }
  out << "copying " << source_path << " into " << target_shown << " (schema version " << latest << ")\n";
  auto target = storage::Database::open(to).take();  // runs the PostgreSQL migrations on a new one

  // The signed checkpoints of the SQLite database must match the copy too (same ids and hashes),
  // checked before the copy commits.
  const std::string secret_path =
      ctx.config.secret_file.empty() ? storage::default_secret_path(source_path) : ctx.config.secret_file;
  const std::string checkpoints =
      ctx.config.audit.file.empty() ? storage::default_checkpoint_path(source_path) : ctx.config.audit.file;
  const bool have_secret = fs::exists(secret_path);
  std::int64_t checkpoints_verified = -1;
  storage::CopyOptions options;
  if (have_secret && fs::exists(checkpoints)) {
    options.before_commit = [&](storage::Database& copy) -> core::Status {
      storage::AuditLog log(copy);
      if (log.head().count == 0) return {};
      auto secret = storage::ServerSecret::load_or_create(secret_path);
      if (!secret) return secret.error();
      auto verified = storage::verify_checkpoints(log, checkpoints, secret->derive("audit-checkpoint"));
      if (!verified) {
        return core::Error::internal("the signed audit checkpoints in " + checkpoints +
                                         " do not match the copy: " + verified.error().what(),
                                     "migrate");
      }
      checkpoints_verified = verified->checkpoints;
      return {};
    };
  }

  // A line a table as it is copied and counted (a large programme's copy takes a while).
  constexpr int kWidth = 24;
  out << std::left << std::setw(kWidth) << "table" << std::right << std::setw(12) << "rows" << "\n";
  options.on_table = [&out](const std::string& table, std::int64_t rows) {
    out << std::left << std::setw(kWidth) << table << std::right << std::setw(12) << rows << std::endl;
  };
  const core::TimePoint start = ctx.clock->now();
  auto copied = storage::copy_database(*source, *target, options);
  if (!copied) {
    refuse(core::Error{copied.error().code,
                       copied.error().what() + "; nothing was written to " + target_shown, ""});
  }
  const storage::CopyReport& report = *copied;
  const double seconds = static_cast<double>((ctx.clock->now() - start).count()) / 1000.0;
  out << "row counts equal in SQLite and PostgreSQL for all " << report.tables.size() << " tables\n";
  out << "audit log: " << report.audit_records << " records, hash chain verified on PostgreSQL\n";
  if (checkpoints_verified >= 0) {
    out << "audit checkpoints: " << checkpoints_verified << " signed checkpoint(s) in " << checkpoints
        << " verified against PostgreSQL\n";
  }
  out << "migrated " << report.rows << " rows in " << report.tables.size() << " tables into " << target_shown << " in "
      << std::fixed << std::setprecision(1) << seconds << " s\n";
  out << "to run on it, set in " << ctx.config_path << ":\n"
      << "  database: " << target_shown << "   (with the real password, or PGPASSWORD / ~/.pgpass)\n"
      << "  secret_file: " << (have_secret ? fs::absolute(secret_path).string() : secret_path)
      << (have_secret ? "" : "   (no secret file was found there: use the one this database ran with)") << "\n"
      << "  audit: {checkpoint_file: " << fs::absolute(checkpoints).string() << "}\n"
      << "keep the secret file: without it the suppression list matches nothing and checkpoints cannot be verified\n";
  return 0;
}

void add_migrate_command(CLI::App& cli, AppContext& ctx, std::function<int()>& run, bool& open_database,
                         std::ostream& out) {
  auto to = std::make_shared<std::string>();
  auto* migrate = cli.add_subcommand("migrate", "copy the SQLite database into an empty PostgreSQL database");
  migrate->add_option("--to", *to, "the PostgreSQL database: postgresql://user@host:5432/dbname")->required();
  migrate->callback([&ctx, &run, &open_database, &out, to] {
    open_database = false;
    run = [&ctx, &out, to] { return cmd_migrate(ctx, *to, out); };
  });
}

}  // namespace outreach::app
