#include "storage/audit_checkpoint.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "storage/server_secret.h"

namespace outreach::storage {
namespace {

constexpr int kVersion = 1;
constexpr std::size_t kTail = 64 * 1024;  // the last line is in the file's last 64 KiB

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string signed_text(const AuditCheckpoint& cp) {
  return "outreach-audit-checkpoint v" + std::to_string(kVersion) + "\n" + std::to_string(cp.id) + "\n" + cp.hash + "\n" +
         std::to_string(cp.count) + "\n" + std::to_string(core::to_millis(cp.at));
}

std::string trim_line(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return std::string(s);
}

}  // namespace

AuditCheckpoint sign_checkpoint(const AuditHead& head, core::TimePoint at, std::string_view key) {
  AuditCheckpoint cp{head.id, head.hash, head.count, at, {}};
  cp.signature = hmac_sha256_hex(key, signed_text(cp));
  return cp;
}

bool checkpoint_signature_valid(const AuditCheckpoint& cp, std::string_view key) {
  const std::string expected = hmac_sha256_hex(key, signed_text(cp));
  return cp.signature.size() == expected.size() &&
         CRYPTO_memcmp(cp.signature.data(), expected.data(), expected.size()) == 0;
}

std::string to_json_line(const AuditCheckpoint& cp) {
  nlohmann::ordered_json j;
  j["v"] = kVersion;
  j["id"] = cp.id;
  j["hash"] = cp.hash;
  j["count"] = cp.count;
  j["at"] = core::format_utc(cp.at);
  j["at_ms"] = core::to_millis(cp.at);
  j["sig"] = cp.signature;
  return j.dump();
}

core::Result<AuditCheckpoint> parse_checkpoint_line(std::string_view line) {
  auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return core::Error::invalid("not a JSON object");
  auto integer = [&](const char* field, std::int64_t& out) -> core::Status {
    auto it = j.find(field);
    if (it == j.end() || !it->is_number_integer()) return core::Error::invalid("expected an integer", field);
    out = it->get<std::int64_t>();
    if (out < 0) return core::Error::invalid("must not be negative", field);
    return {};
  };
  auto hex = [&](const char* field, std::string& out) -> core::Status {
    auto it = j.find(field);
    if (it == j.end() || !it->is_string() || !is_hex64(it->get<std::string>()))
      return core::Error::invalid("expected 64 lowercase hex characters", field);
    out = it->get<std::string>();
    return {};
  };
  std::int64_t version = 0, at_ms = 0;
  AuditCheckpoint cp;
  for (auto st : {integer("v", version), integer("id", cp.id), hex("hash", cp.hash), integer("count", cp.count),
                  integer("at_ms", at_ms), hex("sig", cp.signature)}) {
    if (!st) return st.error();
  }
  if (version != kVersion) return core::Error::invalid("unknown version " + std::to_string(version), "v");
  cp.at = core::from_millis(at_ms);
  return cp;
}

core::Status CheckpointFile::append(const AuditCheckpoint& cp) const {
  const std::string line = to_json_line(cp) + "\n";
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return core::Error::invalid(std::string("cannot open the checkpoint file: ") + std::strerror(errno), path_);
  // One write: lines from two processes appending at once do not interleave.
  const ssize_t n = ::write(fd, line.data(), line.size());
  const int write_errno = errno;
  const bool synced = n == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    return core::Error::invalid(std::string("cannot write the checkpoint: ") + std::strerror(n < 0 ? write_errno : EIO),
                                path_);
  }
  return {};
}

core::Result<std::optional<AuditCheckpoint>> CheckpointFile::last() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return std::optional<AuditCheckpoint>{};
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(in.tellg());
  const std::size_t start = size > kTail ? size - kTail : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string tail(size - start, '\0');
  in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  std::string line;
  std::size_t end = tail.size();
  while (end > 0) {
    std::size_t nl = tail.rfind('\n', end - 1);
    std::size_t begin = nl == std::string::npos ? 0 : nl + 1;
    line = trim_line(std::string_view(tail).substr(begin, end - begin));
    if (!line.empty() || nl == std::string::npos) break;
    end = nl;
  }
  if (line.empty()) return std::optional<AuditCheckpoint>{};
  auto cp = parse_checkpoint_line(line);
  if (!cp) return cp.error().within(path_ + ": last line: not a checkpoint");
  return std::optional<AuditCheckpoint>(std::move(*cp));
}

std::string default_checkpoint_path(const std::string& database_path) { return database_path + ".checkpoints"; }

core::Result<CheckpointReport> verify_checkpoints(const AuditLog& log, const std::string& path, std::string_view key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error::invalid(std::string("cannot read the checkpoint file: ") + std::strerror(errno), path);
  // Every line first, in file order: a line that is not a checkpoint or not ours is the problem.
  struct Line {
    AuditCheckpoint cp;
    int line_no = 0;
  };
  std::vector<Line> lines;
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    const std::string line = trim_line(raw);
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    auto cp = parse_checkpoint_line(line);
    if (!cp) return cp.error().within(where + ": not a checkpoint");
    if (!checkpoint_signature_valid(*cp, key)) {
      return core::Error::conflict("the signature does not match: the checkpoint was forged or altered, or signed "
                                   "with another server secret", where);
    }
    if (cp->id == 0 && cp->count != 0) return core::Error::conflict("a checkpoint of an empty log counts no records", where);
    lines.push_back({std::move(*cp), line_no});
  }
  if (lines.empty()) return core::Error::invalid("no checkpoints in the file", path);

  // Then one pass over the log in id order, meeting the checkpoints sorted by id: O(records +
  // checkpoints), however many minutes of checkpoints the file holds.
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.cp.id < b.cp.id; });
  std::size_t next = 0;
  while (next < lines.size() && lines[next].cp.id == 0) ++next;  // an empty log: nothing to compare
  std::int64_t count = 0, last_id = 0;
  std::optional<core::Error> problem;
  auto at = [&](const Line& l) { return path + ":" + std::to_string(l.line_no); };
  auto which = [](const Line& l) { return "checkpoint of record " + std::to_string(l.cp.id) + ": "; };
  log.for_each([&](const AuditRecord& r) {
    if (problem) return;
    ++count;
    last_id = r.id;
    for (; next < lines.size() && lines[next].cp.id <= r.id; ++next) {
      const Line& l = lines[next];
      if (l.cp.id < r.id) {
        problem = core::Error::conflict(which(l) + "record " + std::to_string(l.cp.id) + " is missing: it was deleted", at(l));
      } else if (r.hash.size() != l.cp.hash.size() ||
                 CRYPTO_memcmp(r.hash.data(), l.cp.hash.data(), r.hash.size()) != 0) {
        problem = core::Error::conflict(which(l) + "record " + std::to_string(r.id) +
                                            " does not have the checkpointed hash: the log was rewritten up to it",
                                        at(l));
      } else if (count != l.cp.count) {
        problem = core::Error::conflict(which(l) + std::to_string(count) + " records up to record " + std::to_string(r.id) +
                                            ", the checkpoint counted " + std::to_string(l.cp.count) +
                                            ": records were deleted or inserted",
                                        at(l));
      }
      if (problem) return;
    }
  });
  if (problem) return *problem;
  if (next < lines.size()) {
    const Line& l = lines[next];
    return core::Error::conflict(which(l) + "record " + std::to_string(l.cp.id) +
                                     " is missing: the newest records were deleted (the log now ends at record " +
                                     std::to_string(last_id) + ")",
                                 at(l));
  }
  CheckpointReport report;
  report.checkpoints = static_cast<std::int64_t>(lines.size());
  report.newest = lines.back().cp;
  return report;
}

}  // namespace outreach::storage
