#include "engine/mailbox_poller.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <exception>
#include <unordered_map>
#include <variant>

#include "channels/mime_message.h"
#include "core/log_mask.h"
#include "net/curl_multi.h"
#include "engine/leadership.h"
#include "engine/inbound.h"
#include "net/asio.h"
#include "storage/mailbox_state.h"

namespace outreach::engine {
namespace {

// One IMAP command in progress. Owns what libcurl points into until the transfer completes.
struct Transfer {
  using Done = std::function<void(int curl_code, std::string body, std::string error)>;

  CURL* easy = nullptr;
  channels::ImapRequest request;
  std::string body;
  char error[CURL_ERROR_SIZE] = {0};
  Done done;

  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
  }

  static size_t on_data(char* data, size_t size, size_t n, void* userp) {
    static_cast<Transfer*>(userp)->body.append(data, size * n);
    return size * n;
  }

  void configure() {
    const auto& r = request;
    curl_easy_setopt(easy, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "imap,imaps");
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long long>(r.timeout.count(), 10000)));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_data);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy, CURLOPT_USERNAME, r.username.c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, r.password.c_str());
    if (!r.custom_request.empty()) curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r.custom_request.c_str());
    if (r.starttls) curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    // A fresh IMAP session per command: a cached session keeps the view of the mailbox it had
    // after its previous command (Dovecot listed neither new mail nor cleared \Seen flags on a
    // reused connection), and libcurl cannot pin a pass to the session its search ran on.
    curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
  }
};

// What became of one fetched message.
enum class Outcome { recorded, kept, failed };

}  // namespace

struct MailboxPoller::Impl {
  Impl(asio::io_context& io_, net::CurlMulti& multi_, channels::ImapMailbox mailbox_, InboundProcessor& inbound_,
       const core::Clock& clock_, MailboxPollerOptions options_)
      : io(io_),
        timer(io_),
        multi(multi_),
        mailbox(std::move(mailbox_)),
        inbound(inbound_),
        clock(clock_),
        options(std::move(options_)),
        alive(std::make_shared<bool>(true)) {
    options.max_fetches = std::max<std::size_t>(1, options.max_fetches);
  }

  ~Impl() {
    *alive = false;
    for (auto& [easy, t] : active) multi.cancel(easy);
    active.clear();  // ~Transfer cleans the easy handles up
  }

  // --- timer ---------------------------------------------------------------------------------

  void arm() {
    if (stopping) return;
    auto wait = std::clamp<core::Millis>(next_poll - clock.now(), core::Millis(0), options.interval);
    timer.expires_after(wait);
    timer.async_wait([this, a = std::weak_ptr<bool>(alive)](error_code ec) {
      if (a.expired() || ec == asio::error::operation_aborted) return;
      on_timer();
    });
  }

  void on_timer() {
    if (!may_run(options.leadership)) {  // another engine reads the mailbox
      next_poll = clock.now() + options.interval;
      arm();
      return;
    }
    // A pass still running re-arms the timer when it ends.
    run_due(clock.now());
  }

  // --- one pass ------------------------------------------------------------------------------

  bool run_due(core::TimePoint now) {
    if (stopping || passing) return false;
    passing = true;
    report = {};
    next_poll = now + options.interval;
    listed.clear();
    ok.clear();
    prefix = 0;
    from_uid = false;
    if (options.state_db) {
      execute(mailbox.status(), [this](int code, std::string body, std::string error) { on_status(code, body, error); });
    } else {
      search(mailbox.search_unseen());
    }
    return true;
  }

  void search(channels::ImapRequest request) {
    execute(std::move(request), [this](int code, std::string body, std::string error) { on_search(code, body, error); });
  }

  // --- the stored high-water mark (options.state_db) -------------------------------------------

  std::string state_key() const { return mailbox.settings().url + "/" + mailbox.settings().mailbox; }

  void on_status(int code, const std::string& body, const std::string& error) {
    if (code != CURLE_OK) {
      fail("imap status", error);
      return pass_done();
    }
    auto status = channels::parse_status_response(body);
    if (!status) {
      fail("imap status", status.error().what());
      return pass_done();
    }
    server = *status;
    auto stored = storage::MailboxStateStore(*options.state_db).get(state_key());
    if (!stored) {  // the first pass on this mailbox: unseen mail, then the mark
      state = {server.uid_validity, 0};
      first_pass = true;
      return search(mailbox.search_unseen());
    }
    state = *stored;
    report.last_uid = state.last_uid;
    first_pass = false;
    if (state.uid_validity != server.uid_validity) {
      spdlog::warn("imap: the UIDVALIDITY of {} changed ({} -> {}): reading it again from the start; replies already "
                   "recorded are recognised by their Message-ID",
                   state_key(), state.uid_validity, server.uid_validity);
      report.started_over = true;
      state = {server.uid_validity, 0};
      save_state();
    }
    from_uid = true;
    search(mailbox.search_from_uid(state.last_uid + 1));
  }

  void save_state() {
    if (auto st = storage::MailboxStateStore(*options.state_db).save(state_key(), state, clock.now()); !st)
      fail("imap save last uid", st.error().what());
    report.last_uid = state.last_uid;
  }

  // A message is done (recorded or left on purpose: `good`) or failed; the mark moves over every
  // listed UID up to the first that is not done well.
  void settle(std::uint32_t uid, bool good) {
    if (!options.state_db) return;
    ok[uid] = good;
    std::uint32_t mark = state.last_uid;
    while (prefix < listed.size()) {
      auto it = ok.find(listed[prefix]);
      if (it == ok.end() || !it->second) break;
      mark = std::max(mark, listed[prefix]);
      ++prefix;
    }
    if (mark != state.last_uid) {
      state.last_uid = mark;
      save_state();
    }
  }

  void on_search(int code, const std::string& body, const std::string& error) {
    if (code != CURLE_OK) {
      fail("imap search", error);
      return pass_done();
    }
    auto uids = channels::parse_search_response(body);
    if (!uids) {
      fail("imap search", uids.error().what());
      return pass_done();
    }
    report.searched = true;
    std::vector<std::uint32_t> found = *uids;
    // "UID SEARCH UID n:*" lists the newest message even when its UID is below n.
    if (from_uid) std::erase_if(found, [&](std::uint32_t u) { return u <= state.last_uid; });
    std::sort(found.begin(), found.end());
    report.listed = found.size();
    listed = found;
    if (!stopping) to_fetch.assign(found.begin(), found.end());
    fill();
  }

  // Starts fetches up to the limit; ends the pass when nothing is left.
  void fill() {
    while (!stopping && !to_fetch.empty() && open_messages < options.max_fetches) {
      const std::uint32_t uid = to_fetch.front();
      to_fetch.pop_front();
      ++open_messages;
      execute(mailbox.fetch(uid), [this, uid](int code, std::string body, std::string error) {
        on_fetch(uid, code, body, error);
      });
    }
    if (open_messages == 0 && (to_fetch.empty() || stopping)) pass_done();
  }

  void on_fetch(std::uint32_t uid, int code, const std::string& body, const std::string& error) {
    Outcome outcome = Outcome::failed;
    if (code != CURLE_OK) {
      fail("imap fetch uid " + std::to_string(uid), error);
      ++report.failed;
    } else {
      outcome = record(uid, body);
    }
    settle(uid, outcome != Outcome::failed);
    // Recorded (or kept for an operator): make \Seen explicit. Not recorded: clear the \Seen that
    // fetching set, so the next poll reads the message again.
    const bool seen = outcome != Outcome::failed;
    channels::ImapRequest next = mailbox.mark_seen(uid);
    if (!seen) next.custom_request = "UID STORE " + std::to_string(uid) + " -FLAGS (\\Seen)";
    execute(std::move(next), [this, uid, seen](int code2, std::string, std::string error2) {
      if (code2 != CURLE_OK) {
        fail(std::string(seen ? "imap mark seen" : "imap clear seen") + " uid " + std::to_string(uid), error2);
      }
      --open_messages;
      fill();
    });
  }

  Outcome record(std::uint32_t uid, const std::string& raw) {
    const std::string where = "uid " + std::to_string(uid);
    auto item = channels::parse_mailbox_message(raw, options.match);
    if (!item) {
      // Not a message we can read at all: reading it again will not help.
      fail("imap parse " + where, item.error().what());
      ++report.other;
      return Outcome::kept;
    }
    try {
      if (auto* reply = std::get_if<channels::MailboxReply>(&*item)) {
        auto r = inbound.handle(options.channel, reply->message);
        if (!r) {
          fail("record reply " + where, r.error().what());
          ++report.failed;
          return Outcome::failed;
        }
        ++(r->duplicate ? report.duplicates : report.replies);
        return Outcome::recorded;
      }
      if (auto* bounce = std::get_if<channels::MailboxBounce>(&*item)) {
        auto r = inbound.handle_status(options.channel, bounce->status);
        if (!r) {
          fail("record bounce " + where, r.error().what());
          ++report.failed;
          return Outcome::failed;
        }
        if (*r) {
          ++report.bounces;
        } else {
          ++report.unknown_bounces;
          spdlog::info("imap {}: bounce for {} matches no message of ours (Message-ID {})", where,
                       core::mask_address(bounce->recipient), bounce->status.provider_id);
        }
        return Outcome::recorded;
      }
      if (auto* unsubscribe = std::get_if<channels::MailboxUnsubscribe>(&*item); unsubscribe && options.on_unsubscribe) {
        auto r = options.on_unsubscribe(unsubscribe->from, unsubscribe->message_id);
        if (!r) {
          fail("record unsubscribe " + where, r.error().what());
          ++report.failed;
          return Outcome::failed;
        }
        ++report.unsubscribes;
        return Outcome::recorded;
      }
      if (std::holds_alternative<channels::MailboxUnsubscribe>(*item)) {
        ++report.other;
        spdlog::info("imap {}: a mail to the unsubscribe address left in the mailbox (no handler)", where);
        return Outcome::kept;
      }
      const auto& other = std::get<channels::MailboxOther>(*item);
      ++report.other;
      // No subject or display name in the log: they are personal. The Message-ID finds the mail.
      spdlog::info("imap {}: left in the mailbox ({}): Message-ID {} from {}", where, other.why, other.message_id,
                   core::mask_address(channels::mime::extract_address(other.from)));
      return Outcome::kept;
    } catch (const std::exception& e) {
      fail("record " + where, e.what());
      ++report.failed;
      return Outcome::failed;
    }
  }

  void pass_done() {
    if (options.state_db && report.searched) {
      // The first pass read unseen mail only; once all of it is done, everything below UIDNEXT
      // counts as read (seen mail was read before this poller kept a mark).
      const bool all_done = prefix == listed.size() && !stopping;
      if (first_pass && all_done && server.uid_next > 0) state.last_uid = std::max(state.last_uid, server.uid_next - 1);
      if (first_pass || report.started_over || state.last_uid != report.last_uid) save_state();
    }
    passing = false;
    to_fetch.clear();
    ++passes;
    if (report.listed > 0) {  // errors were logged as they happened
      spdlog::info("imap poll: {} unseen, {} replies, {} duplicates, {} bounces ({} unknown), {} unsubscribes, {} other, "
                   "{} failed",
                   report.listed, report.replies, report.duplicates, report.bounces, report.unknown_bounces,
                   report.unsubscribes, report.other, report.failed);
    }
    if (stopping) {
      if (on_stopped) asio::post(io, std::exchange(on_stopped, nullptr));
    } else {
      arm();
    }
    if (pass_done_cb) pass_done_cb(report);
  }

  // --- transfers -----------------------------------------------------------------------------

  void execute(channels::ImapRequest request, Transfer::Done done) {
    auto t = std::make_unique<Transfer>();
    t->easy = curl_easy_init();
    t->request = std::move(request);
    t->done = std::move(done);
    if (!t->easy) return post_failure(std::move(t), "curl_easy_init failed");
    t->configure();
    void* easy = t->easy;
    active.emplace(easy, std::move(t));
    const bool added = multi.add(easy, [this, a = std::weak_ptr<bool>(alive)](void* e, int code) {
      if (a.expired()) return;
      complete(e, code);
    });
    if (!added) {
      auto it = active.find(easy);
      std::unique_ptr<Transfer> refused = std::move(it->second);
      active.erase(it);
      post_failure(std::move(refused), "curl_multi_add_handle refused the request");
    }
  }

  // Reports a transfer that never started, from the io_context (never from inside execute()).
  void post_failure(std::unique_ptr<Transfer> t, std::string why) {
    std::shared_ptr<Transfer> shared(std::move(t));
    asio::post(io, [shared, why = std::move(why), a = std::weak_ptr<bool>(alive)] {
      if (a.expired()) return;
      auto done = std::move(shared->done);
      done(CURLE_FAILED_INIT, {}, why);
    });
  }

  void complete(void* easy, int code) {
    auto it = active.find(easy);
    if (it == active.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    active.erase(it);
    std::string error;
    if (code != CURLE_OK) {
      error = t->error[0] ? std::string(t->error) : std::string(curl_easy_strerror(static_cast<CURLcode>(code)));
    }
    auto done = std::move(t->done);
    std::string body = std::move(t->body);
    t.reset();  // the easy handle is cleaned up before `done` may start the next transfer
    done(code, std::move(body), std::move(error));
  }

  void fail(const std::string& operation, const std::string& what) {
    spdlog::warn("{}: {}", operation, what);
    report.errors.push_back(operation + ": " + what);
  }

  asio::io_context& io;
  asio::steady_timer timer;
  net::CurlMulti& multi;
  const channels::ImapMailbox mailbox;
  InboundProcessor& inbound;
  const core::Clock& clock;
  MailboxPollerOptions options;

  bool stopping = false;
  bool passing = false;
  std::function<void()> on_stopped;
  PassDone pass_done_cb;
  core::TimePoint next_poll{};
  std::uint64_t passes = 0;

  // The pass in progress.
  MailboxPollReport report;
  std::deque<std::uint32_t> to_fetch;  // listed, not yet fetched
  std::size_t open_messages = 0;       // fetched or being fetched, not yet marked (un)seen
  // With options.state_db: the stored mark, the server's status, and this pass's listed UIDs.
  storage::MailboxState state;
  channels::ImapMailboxStatus server;
  bool from_uid = false;    // searched by UID from the mark (not UNSEEN)
  bool first_pass = false;  // nothing was stored for this mailbox
  std::vector<std::uint32_t> listed;         // ascending
  std::unordered_map<std::uint32_t, bool> ok;  // done UIDs: recorded or kept (true), failed (false)
  std::size_t prefix = 0;                    // listed[0..prefix) are done well

  std::unordered_map<void*, std::unique_ptr<Transfer>> active;  // by CURL*, until completion
  std::shared_ptr<bool> alive;  // guards callbacks after destruction
};

MailboxPoller::MailboxPoller(asio::io_context& io, net::CurlMulti& multi, channels::ImapMailbox mailbox,
                             InboundProcessor& inbound, const core::Clock& clock, MailboxPollerOptions options)
    : impl_(std::make_unique<Impl>(io, multi, std::move(mailbox), inbound, clock, std::move(options))) {}

MailboxPoller::~MailboxPoller() = default;

void MailboxPoller::start() {
  impl_->next_poll = impl_->clock.now();
  impl_->arm();
}

void MailboxPoller::stop(std::function<void()> on_stopped) {
  impl_->stopping = true;
  impl_->timer.cancel();
  impl_->to_fetch.clear();
  if (!impl_->passing) {
    if (on_stopped) asio::post(impl_->io, std::move(on_stopped));
    return;
  }
  impl_->on_stopped = std::move(on_stopped);
}

bool MailboxPoller::run_due(core::TimePoint now) { return impl_->run_due(now); }

void MailboxPoller::set_on_pass_done(PassDone done) { impl_->pass_done_cb = std::move(done); }

bool MailboxPoller::passing() const { return impl_->passing; }
std::size_t MailboxPoller::in_flight() const { return impl_->active.size(); }
std::uint64_t MailboxPoller::passes() const { return impl_->passes; }

}  // namespace outreach::engine
