#include "storage/audit_log.h"


#include "storage/advisory_locks.h"
#include "storage/database.h"
#include "storage/hashing.h"

namespace outreach::storage {
namespace {

constexpr const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

// Length-prefixed fields, so no two different records serialise alike.
std::string chain_input(const AuditRecord& r) {
  std::string s;
  auto add = [&](const std::string& f) { s += std::to_string(f.size()) + ":" + f + ";"; };
  add(std::to_string(r.id));
  add(std::to_string(core::to_millis(r.at)));
  add(r.actor);
  add(r.action);
  add(r.subject);
  add(r.purpose);
  add(r.request_id);
  add(r.detail);
  add(r.prev_hash);
  return s;
}

}  // namespace

std::string audit_record_hash(const AuditRecord& r) { return sha256_hex(chain_input(r)); }

const std::string& audit_genesis_hash() {
  static const std::string kHash = kGenesis;
  return kHash;
}

AuditHead AuditLog::head() const {
  Statement st(db_, "SELECT id, hash, (SELECT count(*) FROM audit_log) FROM audit_log ORDER BY id DESC LIMIT 1");
  if (!st.executeStep()) return AuditHead{0, kGenesis, 0};
  return AuditHead{st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getInt64()};
}

core::Result<std::int64_t> AuditLog::append(const AuditRecord& in) {
  if (in.actor.empty() || in.action.empty() || in.purpose.empty()) {
    return core::Error::invalid("an audit record needs actor, action and purpose", "audit");
  }
  std::int64_t id = 0;
  auto st = db_.transaction([&]() -> core::Status {
    AuditRecord r = in;
    // Engines sharing a PostgreSQL database append one at a time (until this transaction ends);
    // SQLite's single writer already does.
    if (db_.dialect() == Dialect::postgres) {
      db_.cached("SELECT pg_advisory_xact_lock(" + std::to_string(kAuditChainLock) + ")")->executeStep();
    }
    auto last_cached = db_.cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    Statement& last = *last_cached;
    r.prev_hash = kGenesis;
    r.id = 1;
    if (last.executeStep()) {
      r.id = last.getColumn(0).getInt64() + 1;
      r.prev_hash = last.getColumn(1).getString();
    }
    r.hash = audit_record_hash(r);
    auto ins_cached = db_.cached(
        "INSERT INTO audit_log(id, at, actor, action, subject, purpose, request_id, detail, prev_hash, "
        "hash) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Statement& ins = *ins_cached;
    ins.bind(1, static_cast<int64_t>(r.id));
    ins.bind(2, static_cast<int64_t>(core::to_millis(r.at)));
    ins.bind(3, r.actor);
    ins.bind(4, r.action);
    ins.bind(5, r.subject);
    ins.bind(6, r.purpose);
    ins.bind(7, r.request_id);
    ins.bind(8, r.detail);
    ins.bind(9, r.prev_hash);
    ins.bind(10, r.hash);
    ins.exec();
    id = r.id;
    return {};
  });
  if (!st) return st.error();
  return id;
}

void AuditLog::for_each(const std::function<void(const AuditRecord&)>& fn) const {
  Statement st(db_,
               "SELECT id, at, actor, action, subject, purpose, request_id, detail, prev_hash, hash "
               "FROM audit_log ORDER BY id");
  while (st.executeStep()) {
    AuditRecord r;
    r.id = st.getColumn(0).getInt64();
    r.at = core::from_millis(st.getColumn(1).getInt64());
    r.actor = st.getColumn(2).getString();
    r.action = st.getColumn(3).getString();
    r.subject = st.getColumn(4).getString();
    r.purpose = st.getColumn(5).getString();
    r.request_id = st.getColumn(6).getString();
    r.detail = st.getColumn(7).getString();
    r.prev_hash = st.getColumn(8).getString();
    r.hash = st.getColumn(9).getString();
    fn(r);
  }
}

core::Status AuditLog::verify() const {
  std::string expected_prev = kGenesis;
  std::int64_t expected_id = 1;
  std::optional<core::Error> problem;
  for_each([&](const AuditRecord& r) {
    if (problem) return;
    if (r.id != expected_id) {
      problem = core::Error::conflict("record " + std::to_string(expected_id) + " is missing", "audit_log");
    } else if (r.prev_hash != expected_prev) {
      problem = core::Error::conflict("record " + std::to_string(r.id) + " does not link to its predecessor",
                                      "audit_log");
    } else if (audit_record_hash(r) != r.hash) {
      problem = core::Error::conflict("record " + std::to_string(r.id) + " was altered", "audit_log");
    }
    expected_prev = r.hash;
    ++expected_id;
  });
  if (problem) return *problem;
  return {};
}

}  // namespace outreach::storage
