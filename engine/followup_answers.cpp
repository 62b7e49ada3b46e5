#include "engine/followup_answers.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cctype>
#include <vector>

#include "core/text.h"
#include "engine/engine_config.h"
#include "engine/followup_message.h"
#include "engine/inbound.h"
#include "storage/audit_log.h"
#include "storage/case_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/followup_store.h"
#include "storage/municipality_store.h"
#include "storage/notice_queue.h"

namespace outreach::engine {
namespace {

std::string lower_ascii(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string trim(std::string_view s, std::string_view chars = " \t\r\n") { return core::trimmed(s, chars); }

// Queues "case.reopened" for `owner` when it has a notification configured.
core::Status queue_notice(storage::Database& db, const EngineConfig& config, std::int64_t case_id,
                          std::int64_t followup_id, const std::string& municipality, const std::string& owner,
                          const std::string& owner_kind, const std::string& reason, core::TimePoint at) {
  auto cfg = config.owner_notifications.find(owner);
  if (cfg == config.owner_notifications.end()) {
    spdlog::debug("followup: case {} reopened: no notification configured for {}", case_id, owner);
    return {};
  }
  storage::Notice n;
  n.delivery_id = "reopen-" + std::to_string(case_id) + "-f" + std::to_string(followup_id) + "-" + owner;
  n.case_id = case_id;
  n.event = "case.reopened";
  n.owner = owner;
  n.payload = nlohmann::json{{"case_id", case_id},
                             {"municipality", municipality},
                             {"owner", owner},
                             {"owner_kind", owner_kind},
                             {"status", "open"},
                             {"reason", reason},
                             {"reopened_at", core::format_utc(at)}}
                  .dump();
  n.receiver_dedupes = cfg->second.dedupe;
  n.due_at = at;
  auto added = storage::NoticeQueue(db).enqueue(n, at);
  if (!added) return added.error();
  return {};
}

}  // namespace

ParsedAnswer parse_answer(const std::string& text) {
  ParsedAnswer out;
  const std::string t = trim(text);
  if (!t.empty() && t[0] >= '1' && t[0] <= '5' && (t.size() == 1 || !std::isdigit(static_cast<unsigned char>(t[1])))) {
    out.score = t[0] - '0';
    out.comment = trim(t.substr(1), " \t\r\n.,:;!-/");
    // "4/5", "4 van 5": the scale is not a comment.
    for (const char* scale : {"5", "van 5", "of 5", "uit 5", "out of 5"}) {
      if (lower_ascii(out.comment) == scale) out.comment.clear();
    }
    return out;
  }
  out.comment = t;
  return out;
}

bool is_complaint(const std::string& text, const std::vector<std::string>& words) {
  const std::string hay = lower_ascii(text);
  for (const auto& w : words) {
    if (!w.empty() && hay.find(lower_ascii(w)) != std::string::npos) return true;
  }
  return false;
}

core::Result<std::optional<FollowupAnswer>> answer_followup(storage::Database& db, const EngineConfig& config,
                                                            const storage::Contact& contact, const std::string& text,
                                                            core::TimePoint at) {
  const auto& fc = config.followup;
  storage::FollowupStore followups(db);
  auto f = followups.awaiting_answer(contact.id, at - fc.answer_window);
  if (!f) return std::optional<FollowupAnswer>{};
  FollowupAnswer a;
  a.followup_id = f->id;
  a.case_id = f->case_id;
  const ParsedAnswer parsed = parse_answer(text);
  a.score = parsed.score;
  a.complaint = is_complaint(text, fc.complaint_words);
  const bool reopen = (a.score && *a.score <= fc.reopen_at_or_below) || a.complaint;
  auto m = storage::MunicipalityStore(db).get(f->municipality);
  const std::string town = m ? m->name : f->municipality;
  auto st = db.transaction([&]() -> core::Status {
    if (auto s = followups.record_answer(f->id, parsed.score, parsed.comment, at); !s) return s;
    if (!reopen) return {};
    const std::string reason = a.complaint ? "complaint" : "low_score";
    const std::string note = a.complaint ? "follow-up: complaint" : "follow-up: score " + std::to_string(*a.score);
    auto open_id = storage::CaseStore(db).reopen(f->case_id, add_working_days(at, config.case_sla_working_days),
                                                 "followup", at, note);
    if (!open_id) return open_id.error();
    a.open_case_id = *open_id;
    if (auto s = followups.mark_reopened(f->id, at); !s) return s;
    storage::AuditRecord rec;
    rec.at = at;
    rec.actor = "followup";
    rec.action = "cases.reopen";
    rec.subject = "case:" + std::to_string(*open_id);
    rec.purpose = "brede-ondersteuning";
    rec.request_id = "followup-" + std::to_string(f->id);
    rec.detail = "followup=" + std::to_string(f->id) + " reason=" + reason +
                 (a.score ? " score=" + std::to_string(*a.score) : std::string());
    if (auto id = storage::AuditLog(db).append(rec); !id) return id.error();
    if (auto s = queue_notice(db, config, *open_id, f->id, f->municipality, f->municipality, "municipality", reason, at); !s) {
      return s;
    }
    if (fc.copy_hub && m && !m->region_code.empty()) {
      auto region = storage::MunicipalityStore(db).region(m->region_code);
      if (region && !region->hub_code.empty() && region->hub_code != f->municipality) {
        if (auto s = queue_notice(db, config, *open_id, f->id, f->municipality, region->hub_code, "hub", reason, at); !s) {
          return s;
        }
      }
    }
    a.reopened = true;
    return {};
  });
  if (!st) return st.error();
  a.reply = answer_reply(contact.language == "en" ? "en" : "nl", a.reopened, town);
  return std::optional<FollowupAnswer>{std::move(a)};
}

}  // namespace outreach::engine
