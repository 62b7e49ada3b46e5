#pragma once
// The audit log: every read or change of personal data, as (who, when, action, subject, purpose,
// request id). Tamper-evident: each record's hash covers its fields and the previous record's hash,
// so editing or deleting any record breaks the chain from there on, which verify() reports.

#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

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

 private:
  Database& db_;
};

}  // namespace outreach::storage
