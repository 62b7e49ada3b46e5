#include "storage/migrations.h"

namespace outreach::storage {

// Times are milliseconds since the Unix epoch (UTC). No nationality, ethnicity, health data or BSN
// has a column here, by design.
const std::vector<std::string>& migrations() {
  static const std::vector<std::string> kMigrations = {
      // 1: the whole first schema.
      R"sql(
CREATE TABLE regions(
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  hub_code TEXT NOT NULL
);
CREATE TABLE municipalities(
  code TEXT PRIMARY KEY CHECK (code GLOB 'GM[0-9][0-9][0-9][0-9]'),
  name TEXT NOT NULL,
  region_code TEXT REFERENCES regions(code),
  valid_from TEXT NOT NULL DEFAULT '1900-01-01',
  valid_to TEXT,
  successor_code TEXT,
  fallback_owner TEXT NOT NULL DEFAULT 'national'
);

CREATE TABLE contacts(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT 'nl',
  municipality_code TEXT REFERENCES municipalities(code),
  do_not_contact INTEGER NOT NULL DEFAULT 0,
  dnc_reason TEXT,
  created_at INTEGER NOT NULL,
  erased_at INTEGER
);
CREATE INDEX contacts_municipality ON contacts(municipality_code);
CREATE TABLE contact_urns(
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  urn TEXT NOT NULL UNIQUE,
  scheme TEXT NOT NULL,
  bad INTEGER NOT NULL DEFAULT 0,
  bad_reason TEXT
);
CREATE INDEX contact_urns_contact ON contact_urns(contact_id);
CREATE TABLE contact_tags(
  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (contact_id, tag)
) WITHOUT ROWID;

CREATE TABLE consent_events(
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  purpose TEXT NOT NULL,
  channel TEXT NOT NULL DEFAULT '*',
  action TEXT NOT NULL CHECK (action IN ('grant', 'withdraw')),
  source TEXT NOT NULL,
  text_id TEXT,
  text_version TEXT,
  language TEXT,
  collector TEXT NOT NULL,
  at INTEGER NOT NULL,
  origin_message_id INTEGER,
  origin_form TEXT
);
CREATE INDEX consent_events_contact ON consent_events(contact_id, purpose, channel, id);
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
WHEN (SELECT erased_at FROM contacts WHERE id = OLD.contact_id) IS NULL
BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;

CREATE TABLE campaigns(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  version INTEGER NOT NULL,
  author TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  launched_at INTEGER
);
CREATE TABLE campaign_versions(
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  version INTEGER NOT NULL,
  source_path TEXT,
  source_text TEXT NOT NULL,
  source_sha256 TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  submitted_by TEXT,
  submitted_at INTEGER,
  approved_by TEXT,
  approved_at INTEGER,
  PRIMARY KEY (campaign_id, version)
);
CREATE TABLE campaign_events(
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  version INTEGER NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  note TEXT
);

CREATE TABLE messages(
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  campaign_version INTEGER NOT NULL,
  step INTEGER NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  status TEXT NOT NULL,
  due_at INTEGER,
  expires_at INTEGER,
  priority INTEGER NOT NULL DEFAULT 0,
  channel TEXT,
  urn TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_until INTEGER,
  provider_id TEXT,
  reason TEXT,
  sent_at INTEGER,
  updated_at INTEGER NOT NULL,
  UNIQUE (campaign_id, step, contact_id)
);
CREATE INDEX messages_due ON messages(due_at) WHERE status = 'queued';
CREATE INDEX messages_leased ON messages(lease_until) WHERE status = 'sending';
CREATE INDEX messages_provider ON messages(provider_id) WHERE provider_id IS NOT NULL;
CREATE INDEX messages_contact ON messages(contact_id);
CREATE TABLE message_events(
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  at INTEGER NOT NULL,
  status TEXT NOT NULL,
  channel TEXT,
  provider_id TEXT,
  detail TEXT
);
CREATE INDEX message_events_message ON message_events(message_id);
CREATE TABLE sandbox_deliveries(
  id INTEGER PRIMARY KEY,
  message_id INTEGER REFERENCES messages(id),
  channel TEXT NOT NULL,
  urn TEXT NOT NULL,
  language TEXT,
  subject TEXT,
  body TEXT NOT NULL,
  at INTEGER NOT NULL
);

CREATE TABLE responses(
  id INTEGER PRIMARY KEY,
  contact_id INTEGER REFERENCES contacts(id),
  campaign_id INTEGER REFERENCES campaigns(id),
  message_id INTEGER REFERENCES messages(id),
  channel TEXT NOT NULL,
  urn TEXT NOT NULL,
  provider_message_id TEXT NOT NULL,
  text TEXT NOT NULL,
  keyword TEXT,
  received_at INTEGER NOT NULL,
  UNIQUE (channel, provider_message_id)
);
CREATE INDEX responses_contact ON responses(contact_id, received_at);

CREATE TABLE cases(
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  municipality_code TEXT NOT NULL REFERENCES municipalities(code),
  campaign_id INTEGER REFERENCES campaigns(id),
  status TEXT NOT NULL,
  owner_kind TEXT NOT NULL,
  owner_code TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  sla_due_at INTEGER,
  acknowledged_at INTEGER,
  closed_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX cases_owner ON cases(owner_code, status);
CREATE UNIQUE INDEX cases_one_open_per_contact ON cases(contact_id, municipality_code)
  WHERE status <> 'closed';
CREATE TABLE case_events(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  status TEXT NOT NULL,
  owner_code TEXT NOT NULL,
  note TEXT
);

CREATE TABLE contact_logs(
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  collector TEXT NOT NULL,
  mode TEXT NOT NULL,
  outcome TEXT NOT NULL,
  follow_up TEXT,
  note TEXT,
  at INTEGER NOT NULL
);
CREATE TABLE assignments(
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  assignee TEXT NOT NULL,
  assigned_at INTEGER NOT NULL,
  released_at INTEGER
);
CREATE UNIQUE INDEX assignments_active ON assignments(contact_id) WHERE released_at IS NULL;

CREATE TABLE principals(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT '',
  token_hash TEXT UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  purpose TEXT NOT NULL,
  request_id TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
)sql",
      // 2: reports back from intermediaries, one row per (intermediary, batch, person, outcome) so a
      // report delivered twice is recorded once.
      R"sql(
CREATE TABLE intermediary_reports(
  intermediary TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  ref TEXT NOT NULL,
  outcome TEXT NOT NULL,
  contact_log_id INTEGER NOT NULL REFERENCES contact_logs(id) ON DELETE CASCADE,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (intermediary, batch_id, ref, outcome)
);
)sql",
      // 3: generic campaign posts on a public page (no personal data, no contact): one row per
      // (campaign, post id), so launching twice adds nothing. The partial index keeps the claim
      // cheap, as messages_due does for the outbox.
      R"sql(
CREATE TABLE campaign_posts(
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  campaign_version INTEGER NOT NULL,
  post_key TEXT NOT NULL,
  channel TEXT NOT NULL,
  language TEXT NOT NULL,
  text TEXT NOT NULL,
  status TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_until INTEGER,
  provider_post_id TEXT,
  reason TEXT,
  published_at INTEGER,
  updated_at INTEGER NOT NULL,
  UNIQUE (campaign_id, post_key)
);
CREATE INDEX campaign_posts_due ON campaign_posts(due_at) WHERE status = 'queued';
)sql",
      // 4: when a new case's owner was told about it (engine/escalation.h); cases that existed
      // before count as told, so an upgrade sends nothing about old cases.
      R"sql(
ALTER TABLE cases ADD COLUMN owner_notified_at INTEGER;
UPDATE cases SET owner_notified_at = updated_at;
)sql",
      // 5: the suppression list (storage/suppression_list.h): keyed hashes of the addresses of people
      // who opted out or were erased, never the addresses themselves; it outlives erasure.
      R"sql(
CREATE TABLE suppressions(
  address_hash TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);
)sql",
      // 6: the audit log is append-only, like the consent ledger: no UPDATE, no DELETE. Its rows
      // hold no personal data (subjects are references), so erasure needs no exception. Signed
      // checkpoints outside the database (storage/audit_checkpoint.h) catch what a trigger cannot:
      // someone who drops the triggers and truncates or rewrites the log.
      R"sql(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
      // 7: durable engine state (issue 10 part 5), so a crash leaves little in doubt:
      //  - digest_members: the people waiting in an intermediary digest (engine/intermediary_sender.h)
      //    and how far their digest got; no personal data, only outbox ids. lease_until is the
      //    claim's lease when the person joined: a row whose message was claimed again since is stale;
      //  - mailbox_state: the IMAP poller's last recorded UID per mailbox, with its UIDVALIDITY;
      //  - notices: case and escalation notices waiting to go out (storage/notice_queue.h), one per
      //    (case, event): delivery_id is unique.
      R"sql(
CREATE TABLE digest_members(
  message_id INTEGER PRIMARY KEY,
  intermediary TEXT NOT NULL,
  channel TEXT NOT NULL,
  batch_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('waiting', 'sending', 'sent')),
  joined_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  lease_until INTEGER
);
CREATE INDEX digest_members_batch ON digest_members(batch_id);

CREATE TABLE mailbox_state(
  mailbox TEXT PRIMARY KEY,
  uid_validity INTEGER NOT NULL,
  last_uid INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE notices(
  id INTEGER PRIMARY KEY,
  delivery_id TEXT NOT NULL UNIQUE,
  case_id INTEGER NOT NULL,
  event TEXT NOT NULL,
  owner TEXT NOT NULL,
  payload TEXT NOT NULL,
  receiver_dedupes INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'unknown')),
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX notices_due ON notices(due_at) WHERE status = 'pending';
)sql",
      // 8: listening back (issue 12), the shared contract between its parts:
      //  - followups: the one "did it help?" question per case (UNIQUE case_id is the at-most-one
      //    guarantee). comment is the person's free reply: personal data, erased with the person;
      //  - error_reports: "FOUT" from the person or a report by staff; an open report stops every
      //    message to that person until a coordinator resolves it (the contactability policy reads it);
      //  - cases.handler_name: the named person at the municipality ("a face, not a system").
      R"sql(
CREATE TABLE followups(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL UNIQUE REFERENCES cases(id),
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  municipality_code TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('closed', 'stalled')),
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'answered', 'skipped')),
  skip_reason TEXT,
  channel TEXT,
  provider_id TEXT,
  due_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  answered_at INTEGER,
  score INTEGER CHECK (score BETWEEN 1 AND 5),
  comment TEXT
);
CREATE INDEX followups_due ON followups(due_at) WHERE status = 'pending';
CREATE INDEX followups_municipality ON followups(municipality_code, created_at);

CREATE TABLE error_reports(
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  municipality_code TEXT,
  case_id INTEGER REFERENCES cases(id),
  reporter_kind TEXT NOT NULL,
  reporter TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('wrong_person', 'wrong_letter', 'wrong_municipality', 'other')),
  description TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
  opened_at INTEGER NOT NULL,
  sla_due_at INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT,
  resolution TEXT
);
CREATE INDEX error_reports_open ON error_reports(contact_id) WHERE status = 'open';
CREATE INDEX error_reports_municipality ON error_reports(municipality_code, opened_at);

ALTER TABLE cases ADD COLUMN handler_name TEXT;
)sql",
      // 9: follow-ups on the wire and the parent panel's reviews (issue 12 parts 1 and 5):
      //  - followups.delivery: NULL while waiting or done; 'sending' while a send is in flight (with
      //    lease_until, committed before the request leaves); 'unknown' when the send may have
      //    reached the person and no answer says so: never resent by the engine (as the outbox).
      //    status stays 'pending' meanwhile, so `sent` counts only sends the provider accepted;
      //  - followups.reopened_at: when a low score or a complaint reopened the case;
      //  - campaign_reviews: a parent-panel member's comments on one campaign version, with the hash
      //    of the text reviewed (a draft edited after a rejection keeps its number, not its review).
      R"sql(
ALTER TABLE followups ADD COLUMN delivery TEXT CHECK (delivery IN ('sending', 'unknown'));
ALTER TABLE followups ADD COLUMN lease_until INTEGER;
ALTER TABLE followups ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE followups ADD COLUMN delivery_reason TEXT;
ALTER TABLE followups ADD COLUMN reopened_at INTEGER;
CREATE INDEX followups_contact ON followups(contact_id, status);

CREATE TABLE campaign_reviews(
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  version INTEGER NOT NULL,
  source_sha256 TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  comment TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX campaign_reviews_version ON campaign_reviews(campaign_id, version, id);
)sql",
      "-- 10: reserved for issue 12 (unused: keywords and error reports needed no schema of their own)",
      // 11: the safety net (issue 12 part 3, engine/safety_net.h) and scorecard indexes:
      //  - safety_flags: a rule that fired for a municipality, with its evidence (aggregate counts
      //    only, no person); at most one open flag per (municipality, rule);
      //  - case_routes: where a municipality's NEW cases go instead of to itself (its hub or the
      //    national fallback), because a rule fired (safety_net) or it delegated (delegated); at
      //    most one active route per municipality; lifted when the municipality takes its cases back;
      //  - cases.routed_by: set when a case was opened for someone else by such a route;
      //  - indexes for the scorecards (storage/scorecard_store.h) and case histories.
      R"sql(
CREATE TABLE safety_flags(
  id INTEGER PRIMARY KEY,
  municipality_code TEXT NOT NULL,
  rule TEXT NOT NULL CHECK (rule IN ('unacknowledged_past_sla', 'no_active_outreach')),
  status TEXT NOT NULL CHECK (status IN ('open', 'cleared')),
  evidence TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('flag_only', 'route_hub', 'route_fallback')),
  raised_at INTEGER NOT NULL,
  checked_at INTEGER NOT NULL,
  cleared_at INTEGER,
  cleared_by TEXT,
  cleared_reason TEXT
);
CREATE UNIQUE INDEX safety_flags_one_open ON safety_flags(municipality_code, rule) WHERE status = 'open';

CREATE TABLE case_routes(
  id INTEGER PRIMARY KEY,
  municipality_code TEXT NOT NULL,
  owner_kind TEXT NOT NULL CHECK (owner_kind IN ('hub', 'fallback')),
  owner_code TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('safety_net', 'delegated')),
  flag_id INTEGER REFERENCES safety_flags(id),
  set_by TEXT NOT NULL,
  set_at INTEGER NOT NULL,
  lifted_at INTEGER,
  lifted_by TEXT
);
CREATE UNIQUE INDEX case_routes_active ON case_routes(municipality_code) WHERE lifted_at IS NULL;

ALTER TABLE cases ADD COLUMN routed_by TEXT;
CREATE INDEX cases_municipality_opened ON cases(municipality_code, opened_at);
CREATE INDEX case_events_case ON case_events(case_id, status);
)sql",
      // 12: a municipality's list finds each resident's latest case by (contact, municipality)
      // (storage/response_store.cpp, for_each_shared) with an index instead of scanning every case
      // per row: about 6 ms -> 0.5 ms for a 100-row page over 1,500 cases.
      R"sql(
CREATE INDEX cases_contact ON cases(contact_id, municipality_code, id);
)sql",
      // 13: signing in to the web pages (services/sign_in.h, storage/credential_store.h):
      //  - principals gain an Argon2id password hash and a TOTP secret sealed with a key derived
      //    from the server secret (a database dump alone does not give the secret away), with the
      //    last accepted time step (a code is never accepted twice);
      //  - web_sessions: a session cookie's SHA-256 hash, with idle and absolute expiry and
      //    revocation (sign-out; all of a principal's when its password is set);
      //  - sign_in_links: one-time links for volunteers (hash only, short expiry, used once);
      //  - sign_in_attempts: failures per key ("principal:NAME", "address:IP") for throttling;
      //  - form_submissions: the idempotency key of each form a page posted, with what it
      //    recorded, so a resubmitted or doubled post records nothing twice.
      R"sql(
ALTER TABLE principals ADD COLUMN password_hash TEXT;
ALTER TABLE principals ADD COLUMN totp_sealed TEXT;
ALTER TABLE principals ADD COLUMN totp_last_step INTEGER;

CREATE TABLE web_sessions(
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  principal_id INTEGER NOT NULL REFERENCES principals(id),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX web_sessions_principal ON web_sessions(principal_id) WHERE revoked_at IS NULL;

CREATE TABLE sign_in_links(
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  principal_id INTEGER NOT NULL REFERENCES principals(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);

CREATE TABLE sign_in_attempts(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  at INTEGER NOT NULL,
  ok INTEGER NOT NULL CHECK (ok IN (0, 1))
);
CREATE INDEX sign_in_attempts_key ON sign_in_attempts(key, at);

CREATE TABLE form_submissions(
  key TEXT PRIMARY KEY,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  result TEXT NOT NULL,
  at INTEGER NOT NULL
);
)sql",
      // 14: the clerk's case list and case page (services/case_desk.h):
      //  - a case is closed with an outcome (storage/case_store.h, is_case_outcome), kept on the case
      //    and on the closing event;
      //  - the owner's list pages along the case id (keyset) without sorting all of its cases.
      R"sql(
ALTER TABLE cases ADD COLUMN outcome TEXT;
ALTER TABLE case_events ADD COLUMN outcome TEXT;
CREATE INDEX cases_owner_id ON cases(owner_code, id);
)sql",
      // 15: engines sharing one database (issue 13):
      //  - rate limits (storage/rate_buckets.h): one token bucket per channel ("channel:sms") and
      //    provider account ("account:twilio:AC1"), its tokens as of updated_at; the rate and burst
      //    come from each engine's configuration;
      //  - the server secret's fingerprint (storage/server_secret.h), so that an engine whose
      //    secret file differs from the others' is refused instead of missing the suppressions.
      R"sql(
CREATE TABLE rate_buckets(
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE server_secret(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  fingerprint TEXT NOT NULL
);
)sql",
      // 16: engines sharing one database: a digest member names the engine session that gathers it
      //  (storage/engine_session.h), so that another engine recovers it when that engine is gone.
      //  NULL for rows of a single engine (SQLite recovers them at start-up).
      R"sql(
ALTER TABLE digest_members ADD COLUMN engine INTEGER;
)sql",
      // 17: each address's keyed hash as the suppression list looks it up (storage/suppression_list.h),
      //  computed once when the address is stored, with an id of the key it was made with: a list page
      //  checks a hundred people's addresses and need not hash each of them again. NULL for addresses
      //  stored before, or by a writer without the key: those are hashed when read.
      R"sql(
ALTER TABLE contact_urns ADD COLUMN address_hash TEXT;
ALTER TABLE contact_urns ADD COLUMN address_hash_key TEXT;
)sql",
      // 18: the consent index carries each event's action, so the consent states of a page's people
      //  are read from the index alone (one b-tree search per person instead of one per event more).
      R"sql(
CREATE INDEX consent_events_contact_action ON consent_events(contact_id, purpose, channel, id, action);
DROP INDEX consent_events_contact;
)sql",
  };
  return kMigrations;
}

}  // namespace outreach::storage
