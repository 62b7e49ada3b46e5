#pragma once
// What every command needs: the parsed configuration, the open database, a clock and an actor.

#include <memory>
#include <string>

#include "app/config_loader.h"
#include "core/clock.h"
#include "services/actor.h"
#include "storage/database.h"
#include "storage/server_secret.h"

namespace outreach::app {

struct AppContext {
  std::string db_path;      // --db (overrides the configuration's database)
  std::string config_path;  // --config
  AppConfig config;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<core::Clock> clock = std::make_unique<core::SystemClock>();
  // The server secret (storage/server_secret.h): the configuration's secret_file, else "<db>.secret".
  std::unique_ptr<storage::ServerSecret> secret;
  std::string secret_path;  // where it was read from; empty for an in-memory database

  // Loads the configuration and opens (creating/migrating) the database. Throws ErrorException.
  void open();
  // The principal named by --as, as the services see it; throws an error naming --as when it is
  // missing, unknown or revoked. Every command that reads or changes personal data needs one.
  services::Actor actor(const std::string& as) const;
  // Whoever runs a command that reads no personal data (status, validate): the local operator.
  services::Actor local_operator() const;
};

}  // namespace outreach::app
