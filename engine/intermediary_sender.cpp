#include "engine/intermediary_sender.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "net/http_transport.h"
#include "storage/digest_store.h"

namespace outreach::engine {

struct IntermediarySender::Batch {
  explicit Batch(boost::asio::io_context& ioc) : timer(ioc) {}
  std::vector<channels::DigestPerson> people;
  std::vector<Done> done;
  std::string key;
  std::string batch_id;
  std::string subject;
  boost::asio::steady_timer timer;
};

namespace {

// The digest's opening lines. Dutch: the intermediaries of this programme work in Dutch; what to
// tell each person comes per person, in that person's language.
std::string digest_intro(std::size_t people) {
  return "U ontvangt " + std::to_string(people) +
         (people == 1 ? " verzoek" : " verzoeken") +
         " om persoonlijk contact. Per persoon staat hieronder wat wij vragen. Meld per persoon terug wat "
         "er gebeurde, met de ref van die persoon. Geef niemand door aan anderen.";
}

}  // namespace

IntermediarySender::IntermediarySender(boost::asio::io_context& ioc, net::HttpTransport& transport,
                                       const core::Clock& clock,
                                       const std::vector<IntermediaryConfig>& intermediaries,
                                       const std::optional<channels::EmailSettings>& smtp, DigestPolicy policy,
                                       storage::Database* db)
    : ioc_(ioc),
      transport_(transport),
      clock_(clock),
      policy_(policy),
      db_(db),
      random_(std::random_device{}()),
      alive_(std::make_shared<bool>(true)) {
  for (const auto& i : intermediaries) {
    std::optional<channels::EmailSettings> email;
    if (i.settings.delivery == channels::IntermediaryDelivery::email) email = smtp;
    connectors_.emplace(i.settings.key, channels::IntermediaryConnector(i.settings, std::move(email)));
  }
  if (policy_.max_people == 0) policy_.max_people = 1;
}

IntermediarySender::~IntermediarySender() { *alive_ = false; }

const channels::IntermediaryConnector* IntermediarySender::connector(const std::string& key) const {
  auto it = connectors_.find(key);
  return it == connectors_.end() ? nullptr : &it->second;
}

std::size_t IntermediarySender::waiting() const {
  std::size_t n = 0;
  for (const auto& [key, batch] : open_) n += batch->people.size();
  return n;
}

void IntermediarySender::send(std::int64_t message_id, const std::string& channel, const channels::OutboundMessage& msg,
                              Done done) {
  const std::string key = msg.to.path();
  auto refuse = [&](std::string reason) {
    channels::SendOutcome out;
    out.verdict = channels::SendVerdict::permanent;
    out.reason = std::move(reason);
    done(std::move(out));
  };
  if (msg.to.scheme() != core::UrnScheme::intermediary || !connectors_.count(key))
    return refuse("no intermediary '" + key + "' is configured");
  if (!msg.person || msg.person->name.empty()) return refuse("no person to approach");

  auto& slot = open_[key];
  if (!slot) {
    slot = std::make_shared<Batch>(ioc_);
    slot->key = key;
    slot->batch_id = next_batch_id(key);
    slot->subject = msg.subject.empty() ? "Verzoek om persoonlijk contact" : msg.subject;
    slot->timer.expires_after(policy_.linger);
    slot->timer.async_wait([this, key, batch = std::weak_ptr<Batch>(slot),
                            alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
      if (ec || alive.expired()) return;
      auto it = open_.find(key);
      if (it != open_.end() && it->second == batch.lock()) close(key, false);
    });
  }
  if (db_) {
    // Stored, so that a crash before the digest leaves queues this person again instead of leaving
    // them in doubt. Without it the person still goes out; a crash would leave them `unknown`.
    if (auto st = storage::DigestStore(*db_).join(message_id, key, channel, slot->batch_id, clock_.now()); !st)
      spdlog::warn("intermediary {}: storing message {} in digest {}: {}", key, message_id, slot->batch_id,
                   st.error().what());
  }
  channels::DigestPerson p{.ref = std::to_string(message_id),
                           .name = msg.person->name,
                           .language = msg.person->language.empty() ? msg.language : msg.person->language,
                           .municipality = msg.person->municipality,
                           .phone = msg.person->phone,
                           .email = msg.person->email,
                           .message = msg.text};
  slot->people.push_back(std::move(p));
  slot->done.push_back(std::move(done));
  if (slot->people.size() >= policy_.max_people) close(key, true);
}

void IntermediarySender::flush_all() {
  std::vector<std::string> keys;
  for (const auto& [key, batch] : open_) keys.push_back(key);
  for (const auto& key : keys) close(key, false);
}

void IntermediarySender::close(const std::string& key, bool later) {
  auto it = open_.find(key);
  if (it == open_.end()) return;
  std::shared_ptr<Batch> batch = std::move(it->second);
  open_.erase(it);
  batch->timer.cancel();
  if (!later) return dispatch(std::move(batch));
  boost::asio::post(ioc_, [this, batch = std::move(batch), alive = std::weak_ptr<bool>(alive_)]() mutable {
    if (alive.expired()) return;
    dispatch(std::move(batch));
  });
}

std::string IntermediarySender::next_batch_id(const std::string& key) {
  std::string stamp = core::format_utc(clock_.now());  // 2026-11-22T23:30:41Z
  std::string compact;
  for (char c : stamp)
    if (std::isdigit(static_cast<unsigned char>(c))) compact += c;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random_() & 0xffffffffu));
  return key + "-" + compact.substr(0, 14) + "-" + suffix;
}

void IntermediarySender::dispatch(std::shared_ptr<Batch> batch) {
  const std::string& key = batch->key;
  const channels::IntermediaryConnector& connector = connectors_.at(key);
  channels::Digest digest{.batch_id = batch->batch_id,
                          .sent_at = clock_.now(),
                          .people = std::move(batch->people),
                          .subject = batch->subject,
                          .text = digest_intro(batch->done.size())};
  auto finish = [done = std::move(batch->done)](const channels::SendOutcome& outcome) {
    for (const auto& d : done) d(outcome);
  };
  auto request = connector.build_digest(digest);
  if (!request) {
    channels::SendOutcome out;
    out.verdict = channels::SendVerdict::permanent;
    out.reason = "digest for " + key + ": " + request.error().what();
    if (db_) (void)storage::DigestStore(*db_).forget(digest.batch_id);
    return finish(out);
  }
  // Committed before the request leaves: after a crash a `waiting` digest is known never to have
  // left (its people are queued again), a `sending` one may have (its people become `unknown`).
  if (db_) {
    if (auto st = storage::DigestStore(*db_).mark(digest.batch_id, storage::DigestState::sending, clock_.now()); !st) {
      spdlog::error("intermediary {}: digest {} not sent: cannot record that it is being sent: {}", key,
                    digest.batch_id, st.error().what());
      (void)storage::DigestStore(*db_).forget(digest.batch_id);
      channels::SendOutcome out;
      out.verdict = channels::SendVerdict::transient;
      out.reason = "digest not sent: cannot record it before sending: " + st.error().what();
      return finish(out);
    }
  }
  spdlog::info("intermediary {}: digest {} for {} person(s)", key, digest.batch_id, digest.people.size());
  transport_.execute(std::move(*request), [this, &connector, batch_id = digest.batch_id, alive = std::weak_ptr<bool>(alive_),
                                           finish = std::move(finish)](channels::TransportResponse r) {
    channels::SendOutcome outcome = connector.parse_send(r);
    // Every person in the digest carries the batch id: reports back name it.
    if (outcome.verdict == channels::SendVerdict::sent) outcome.provider_id = batch_id;
    if (db_ && !alive.expired()) {
      storage::DigestStore store(*db_);
      // Accepted: a crash before the dispatcher records it still ends `sent`. Otherwise the
      // dispatcher decides (retry, next channel): the digest no longer speaks for its people.
      auto st = outcome.verdict == channels::SendVerdict::sent
                    ? store.mark(batch_id, storage::DigestState::sent, clock_.now())
                    : store.forget(batch_id);
      if (!st) spdlog::warn("intermediary digest {}: recording its answer: {}", batch_id, st.error().what());
    }
    finish(outcome);
  });
}

}  // namespace outreach::engine
