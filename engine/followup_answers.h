#pragma once
// A person's answer to their follow-up (engine/followup_job.h), recorded from the inbound path
// (engine/inbound.h calls answer_followup for a reply that is no keyword: STOP, START, YES and HELP
// always win over a score).
//
// A reply from a person whose follow-up was sent (or is in doubt: the reply proves it arrived)
// within FollowupConfig::answer_window is its answer: a first character 1-5 (not followed by
// another digit) is the score, the rest is the comment ("2 niemand belde terug" -> 2, "niemand
// belde terug"); a reply without a score is a comment alone. A score at or below
// FollowupConfig::reopen_at_or_below, or a reply with a complaint word, reopens the case for its
// municipality (storage::CaseStore::reopen, new SLA) with an audit record ("cases.reopen", actor
// "followup") and a durable notice "case.reopened" (storage/notice_queue.h) to the municipality
// and, with copy_hub, to the region's hub: for each that has a notification configured
// (EngineConfig::owner_notifications), as for escalations. The notice holds the case id, codes and
// the reason, never the person's words.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {
class Database;
struct Contact;
}

namespace outreach::engine {

struct EngineConfig;

struct FollowupAnswer {
  std::int64_t followup_id = 0;
  std::int64_t case_id = 0;
  std::optional<int> score;
  bool complaint = false;
  bool reopened = false;
  std::int64_t open_case_id = 0;  // the case that is open now (reopened, or one opened meanwhile)
  std::string reply;              // the thanks sent back
};

// The score at the start of a reply (1-5), and the rest as comment.
struct ParsedAnswer {
  std::optional<int> score;
  std::string comment;
};
ParsedAnswer parse_answer(const std::string& text);
// Whether `text` contains one of `words` (ASCII case-insensitive).
bool is_complaint(const std::string& text, const std::vector<std::string>& words);

// nullopt when the person has no follow-up waiting for an answer. Joins the caller's transaction.
core::Result<std::optional<FollowupAnswer>> answer_followup(storage::Database& db, const EngineConfig& config,
                                                            const storage::Contact& contact, const std::string& text,
                                                            core::TimePoint at);

}  // namespace outreach::engine
