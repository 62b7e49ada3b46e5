#pragma once
// Signed checkpoints of the audit log's head, kept outside the database where an operator can keep
// them (a JSON-lines file, optionally syslog too). The hash chain alone cannot show that its newest
// records were deleted, or that a middle record was rewritten and every later hash recomputed: the
// shortened or recomputed chain is internally consistent. A checkpoint pins (id, hash, count) of the
// head at a moment, signed with HMAC-SHA256 under ServerSecret::derive("audit-checkpoint"), so that
// a copy of the database alone can neither forge nor re-sign one.
//
// One checkpoint is one line of the file:
//   {"v":1,"id":42,"hash":"<64 hex>","count":42,"at":"2026-11-02T09:00:00.000Z","at_ms":...,"sig":"<64 hex>"}
// The signature covers v, id, hash, count and at_ms ("at" is for people and not trusted).
//
// verify_checkpoints() checks every line against the database: signature valid, the record with the
// checkpoint's id still exists, has exactly that hash, and exactly `count` records have an id up to
// it. Together with AuditLog::verify() this detects truncation (newest rows deleted), rewriting (even
// with the chain recomputed) and deletion, up to the newest checkpoint; records after it are covered
// by the chain only.
//
// Pure functions, and CheckpointFile which only appends (one write(2) per line, O_APPEND, fsync), so
// several processes (`outreach serve` and a CLI command) may append to the same file.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"
#include "storage/audit_log.h"

namespace outreach::storage {

struct AuditCheckpoint {
  std::int64_t id = 0;     // the head record's id (0: the log was empty)
  std::string hash;        // its hash
  std::int64_t count = 0;  // records with an id up to `id`
  core::TimePoint at{};    // when it was taken
  std::string signature;   // 64 lowercase hex characters
};

// A checkpoint of `head` taken at `at`, signed with `key` (ServerSecret::derive("audit-checkpoint")).
AuditCheckpoint sign_checkpoint(const AuditHead& head, core::TimePoint at, std::string_view key);
// Whether the signature matches (constant-time compare).
bool checkpoint_signature_valid(const AuditCheckpoint& cp, std::string_view key);

// The line for the file, without the newline.
std::string to_json_line(const AuditCheckpoint& cp);
// Errors name the field: "hash: expected 64 lowercase hex characters".
core::Result<AuditCheckpoint> parse_checkpoint_line(std::string_view line);

// The checkpoint file. Copyable value; holds only the path.
class CheckpointFile {
 public:
  explicit CheckpointFile(std::string path) : path_(std::move(path)) {}

  // Appends one line (the file is created with mode 0600). Errors name the path.
  core::Status append(const AuditCheckpoint& cp) const;
  // The last checkpoint in the file; nullopt when the file does not exist or has no lines. An error
  // (naming path and line) when the last line is not a checkpoint.
  core::Result<std::optional<AuditCheckpoint>> last() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Where checkpoints go when the configuration does not say: beside the database, "<db>.checkpoints".
std::string default_checkpoint_path(const std::string& database_path);

struct CheckpointReport {
  std::int64_t checkpoints = 0;          // lines verified
  std::optional<AuditCheckpoint> newest; // the one with the highest id
};

// Verifies every checkpoint in the file at `path` against `log`, in file order, and stops at the
// first problem, named with the file and line: "audit.checkpoints:3: record 42 is missing: ...".
// A missing, unreadable or empty file is a problem too (there is nothing to verify against).
core::Result<CheckpointReport> verify_checkpoints(const AuditLog& log, const std::string& path, std::string_view key);

}  // namespace outreach::storage
