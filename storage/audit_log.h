#pragma once
// The audit log: every read or change of personal data, as (who, when, action, subject, purpose,
// request id). Tamper-evident:
//  1. each record's hash covers its fields and the previous record's hash, so editing or deleting
//     any record breaks the chain from there on, which verify() reports;
//  2. the table is append-only: triggers refuse UPDATE and DELETE (migration 6);
//  3. what neither catches -- the newest records deleted, or the chain recomputed after a rewrite,
//     by someone who dropped the triggers -- signed checkpoints of the head kept outside the
//     database catch (storage/audit_checkpoint.h).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

// The newest record: what a checkpoint signs. An empty log has id 0, count 0 and the genesis hash.
struct AuditHead {
  std::int64_t id = 0;
  std::string hash;
  std::int64_t count = 0;  // records with id <= this id
};

struct AuditRecord {
  std::int64_t id = 0;
  core::TimePoint at{};
  std::string actor;       // principal name
  std::string action;      // "contacts.import", "responses.export", "consent.withdraw", ...
  std::string subject;     // "contact:42", "municipality:GM0599", "campaign:herstel-rijnmond"
  std::string purpose;     // why: "outreach", "brede-ondersteuning", "audit"
  std::string request_id;
  std::string detail;      // short, no personal data beyond the subject reference
  std::string prev_hash;
  std::string hash;
};

// `db` must outlive the log. Appends join the caller's transaction when there is one, so the
// record and the change it describes commit together.
class AuditLog {
 public:
  explicit AuditLog(Database& db) : db_(db) {}
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  core::Result<std::int64_t> append(const AuditRecord& r);
  // Ok, or an error naming the first record whose hash or link does not match.
  core::Status verify() const;
  void for_each(const std::function<void(const AuditRecord&)>& fn) const;

  // The newest record and how many there are.
  AuditHead head() const;

 private:
  Database& db_;
};

// The hash a record must carry: SHA-256 over its fields and prev_hash (the record's own hash field
// is ignored).
std::string audit_record_hash(const AuditRecord& r);
// The prev_hash of the first record.
const std::string& audit_genesis_hash();

}  // namespace outreach::storage
