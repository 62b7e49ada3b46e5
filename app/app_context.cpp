#include "app/app_context.h"

#include <filesystem>
#include <random>

#include "storage/audit_checkpoint.h"
#include "storage/postgres_backend.h"
#include "storage/principal_store.h"

namespace outreach::app {

void AppContext::open() {
  config = load_config(config_path).take();
  if (db_path.empty()) db_path = config.database;
  if (storage::is_postgres_url(db_path)) {
    // Files that sit beside a SQLite database cannot sit beside a URL (whose name may hold a
    // password): the configuration names them.
    if (config.secret_file.empty() || config.audit.file.empty()) {
      throw core::ErrorException(core::Error::invalid(
          "with a PostgreSQL database, set secret_file: and audit: {checkpoint_file: ...} in the configuration "
          "(the server secret and the audit checkpoints cannot sit beside a URL)",
          config.secret_file.empty() ? "secret_file" : "audit.checkpoint_file"));
    }
  } else if (db_path != ":memory:") {
    auto parent = std::filesystem::path(db_path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
  }
  db = storage::Database::open(db_path).take();
  db->set_max_size(config.database_max_bytes).take();
  secret_path = config.secret_file;
  if (secret_path.empty()) secret_path = db_path == ":memory:" ? std::string() : storage::default_secret_path(db_path);
  const bool shared = storage::is_postgres_url(db_path);  // engines on several machines, a secret file on each
  if (shared && !std::filesystem::exists(secret_path) && storage::secret_fingerprint_recorded(*db).take()) {
    throw core::ErrorException(core::Error::invalid(
        "no server secret here, and this database was used with one: copy the secret file from a machine whose "
        "engine runs on it (a new secret would not recognise the suppression list)",
        secret_path));
  }
  if (secret_path.empty()) {
    secret = std::make_unique<storage::ServerSecret>(storage::ServerSecret::ephemeral());
  } else {
    secret = std::make_unique<storage::ServerSecret>(storage::ServerSecret::load_or_create(secret_path).take());
  }
  if (shared) storage::check_secret_fingerprint(*db, *secret, secret_path).take();
  config.engine.suppression_key = secret->derive("suppression");
  config.engine.unsubscribe_key = secret->derive("unsubscribe");  // RFC 8058 one-click tokens
  if (config.audit.file.empty() && db_path != ":memory:") config.audit.file = storage::default_checkpoint_path(db_path);
}

namespace {
std::string cli_request_id() { return "cli-" + std::to_string(std::random_device{}()); }
}  // namespace

services::Actor AppContext::actor(const std::string& as) const {
  if (as.empty()) {
    throw core::ErrorException(
        core::Error::invalid("say who you are with --as NAME (a principal added with `outreach principals add`)", "--as"));
  }
  auto p = storage::PrincipalStore(*db).find(as);
  if (!p) throw core::ErrorException(core::Error::forbidden("'" + as + "' is not a known principal", "--as"));
  if (p->revoked) throw core::ErrorException(core::Error::forbidden("principal '" + as + "' is revoked", "--as"));
  return services::Actor::from(*p, cli_request_id(), "cli");
}

services::Actor AppContext::local_operator() const {
  return services::Actor{"cli:operator", storage::PrincipalKind::operator_, {}, cli_request_id(), "cli"};
}

}  // namespace outreach::app
