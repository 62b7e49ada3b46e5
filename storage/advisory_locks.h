#pragma once
// The PostgreSQL advisory-lock keys outreach takes, in one place so that no two uses collide.
// Advisory locks are per database: engines on other databases of the same server do not meet.

#include <cstdint>

namespace outreach::storage {

// Transaction-level (pg_advisory_xact_lock), while a migration step runs: engines starting
// together migrate one after the other (storage/database.cpp).
inline constexpr std::int64_t kMigrationLock = 0x6f7574726d696772;  // "outrmigr"
// Transaction-level, around reading the audit chain's head and appending to it, so that two
// engines never both extend the same head (storage/audit_log.cpp).
inline constexpr std::int64_t kAuditChainLock = 0x6f75747261756474;  // "outraudt"
// Transaction-level, while `outreach migrate --to` copies into a database: a second copy waits,
// then finds the target not empty (storage/database_copy.cpp).
inline constexpr std::int64_t kCopyLock = 0x6f7574726d636f70;  // "outrmcop"
// Session-level, held by the engine that runs the singletons (storage/leader_lock.h).
inline constexpr std::int64_t kSingletonsLock = 0x6f7574726c656164;  // "outrlead"

// Session-level, two-key form (pg_advisory_lock(int, int), a key space apart from the bigint keys
// above): each engine holds (kEngineSessions, its id) on its writing connection while it runs, so
// another engine can tell when it is gone (storage/engine_session.h).
inline constexpr std::int32_t kEngineSessions = 0x6f757465;  // "oute"

}  // namespace outreach::storage
