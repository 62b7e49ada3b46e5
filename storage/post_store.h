#pragma once
// Campaign posts: generic texts a campaign publishes on a public page (a Facebook Page), one row per
// (campaign, post id), created at launch with the text already rendered, and moved through
//   queued -> sending -> published | failed
//   sending -> queued (retry, or waiting for the send window / rate limit)
//   sending -> unknown (lease expired: the page may or may not show it; never republished by itself)
// Invariants:
//  1. at most one row per (campaign, post id): launching twice adds nothing;
//  2. a post is published only from `sending`, which only claim_due sets, inside the transaction
//     that read it, with a lease; so a crash can leave it `sending` (then `unknown`), never post it
//     twice;
//  3. the rows hold no personal data and no contact: erasure never needs to touch them.
// `db` must outlive the store. Use from one thread (the engine strand or one CLI command).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

enum class PostStatus { queued, sending, published, failed, unknown };
const char* to_string(PostStatus s);
core::Result<PostStatus> parse_post_status(const std::string& text);
// published, failed and unknown end a post's journey through the engine.
bool is_final(PostStatus s);

// What launch stores for one post of the campaign file.
struct PostDraft {
  std::string post_key;  // the post's id in the campaign file
  std::string channel;
  std::string language;
  std::string text;      // rendered at launch: what the approver saw is what is published
  core::TimePoint due_at{};
};

struct PostRow {
  std::int64_t id = 0;
  std::int64_t campaign_id = 0;
  int campaign_version = 0;
  std::string post_key;
  std::string channel;
  std::string language;
  std::string text;
  PostStatus status = PostStatus::queued;
  core::TimePoint due_at{};
  int attempts = 0;
  std::string provider_post_id;
  std::string reason;
  std::optional<core::TimePoint> published_at;
};

// The publisher's verdict on one claimed post.
struct PostOutcome {
  std::int64_t id = 0;
  PostStatus status = PostStatus::published;  // published, failed, unknown (ambiguous answer), or queued
  int attempts = 0;
  std::string provider_post_id;
  std::string reason;
  std::optional<core::TimePoint> retry_at;  // with queued: the new due time
};

class PostStore {
 public:
  explicit PostStore(Database& db) : db_(db) {}
  PostStore(const PostStore&) = delete;
  PostStore& operator=(const PostStore&) = delete;

  // Adds a queued row per draft; drafts whose (campaign, post id) exists are left alone. Returns
  // how many rows were added. One transaction (joins the caller's when there is one).
  core::Result<std::int64_t> enqueue_launch(std::int64_t campaign_id, int campaign_version,
                                            const std::vector<PostDraft>& drafts, core::TimePoint now);

  // Claims up to `limit` queued posts on `channels` of running campaigns due at or before `now`,
  // marking them sending with a lease, in one transaction. Only the channels the caller can publish
  // on: a post for another channel stays queued for an engine that can.
  core::Result<std::vector<PostRow>> claim_due(core::TimePoint now, int limit, core::TimePoint lease_until,
                                               const std::vector<std::string>& channels);
  // Earliest due_at of a queued post on `channels` of a running campaign, if any.
  std::optional<core::TimePoint> next_due(const std::vector<std::string>& channels) const;

  // Records the outcome of a claimed post. Only a `sending` row changes, except that a late
  // `published` answer also settles an `unknown` row (the provider's id proves it went out).
  // Returns false when the row was not changed.
  core::Result<bool> record(const PostOutcome& outcome, core::TimePoint now);

  // Sending posts whose lease ended before `now` become unknown. Returns the count.
  core::Result<std::int64_t> expire_leases(core::TimePoint now);

  // An operator who checked the page and found a post missing queues its `unknown` post again, due
  // `now` (one post by its id in the campaign file, or every unknown post of the campaign).
  // Returns how many were queued.
  core::Result<std::int64_t> redrive(std::int64_t campaign_id, const std::string& post_key, core::TimePoint now);

  // Every post of a campaign (all campaigns: nullopt), in id order.
  std::vector<PostRow> list(std::optional<std::int64_t> campaign_id) const;
  core::Result<PostRow> get(std::int64_t id) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
