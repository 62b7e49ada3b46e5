#pragma once
// Reads config/outreach.yaml once into typed structs. ${VAR} references are resolved from the
// environment, but only for providers a channel actually uses, so the sandbox needs no secrets.

#include <cstdint>
#include <string>

#include "core/error.h"
#include "engine/audit_checkpointer.h"
#include "engine/engine_config.h"

namespace outreach::app {

struct AppConfig {
  std::string database = "var/outreach.db";
  // `database_max_size: 20GB` (bytes, or with KB, MB, GB; 0: no cap): a write past it fails like a
  // full disk, refused whole with a clear error while reads go on (storage/database.h), so the
  // database cannot fill the disk the logs and the OS need.
  std::int64_t database_max_bytes = 0;
  std::string secret_file;  // empty: "<database>.secret" (storage/server_secret.h)
  // `trusted_proxies: [127.0.0.1]`: peers (a reverse proxy such as nginx) whose X-Forwarded-For
  // names the client; from anyone else the header is ignored (web/page_router.h).
  std::vector<std::string> trusted_proxies;
  engine::EngineConfig engine;
  // audit: {checkpoint_file, checkpoint_every, syslog}; an empty file means "<database>.checkpoints".
  engine::AuditCheckpointOptions audit;
};

// A missing file gives the built-in sandbox configuration. Errors name file and field.
core::Result<AppConfig> load_config(const std::string& path);

// "30s", "5m", "24h", "4d" -> milliseconds.
core::Result<core::Millis> parse_config_duration(const std::string& text, const std::string& field);

}  // namespace outreach::app
