#pragma once
// Reads config/outreach.yaml once into typed structs. ${VAR} references are resolved from the
// environment, but only for providers a channel actually uses, so the sandbox needs no secrets.

#include <string>

#include "core/error.h"
#include "engine/audit_checkpointer.h"
#include "engine/engine_config.h"

namespace outreach::app {

struct AppConfig {
  std::string database = "var/outreach.db";
  std::string secret_file;  // empty: "<database>.secret" (storage/server_secret.h)
  engine::EngineConfig engine;
  // audit: {checkpoint_file, checkpoint_every, syslog}; an empty file means "<database>.checkpoints".
  engine::AuditCheckpointOptions audit;
};

// A missing file gives the built-in sandbox configuration. Errors name file and field.
core::Result<AppConfig> load_config(const std::string& path);

// "30s", "5m", "24h", "4d" -> milliseconds.
core::Result<core::Millis> parse_config_duration(const std::string& text, const std::string& field);

}  // namespace outreach::app
