#include "engine/intermediary_sender.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "net/http_transport.h"

namespace outreach::engine {

struct IntermediarySender::Batch {
  explicit Batch(boost::asio::io_context& ioc) : timer(ioc) {}
  std::vector<channels::DigestPerson> people;
  std::vector<Done> done;
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
                                       const std::optional<channels::EmailSettings>& smtp, DigestPolicy policy)
    : ioc_(ioc),
      transport_(transport),
      clock_(clock),
      policy_(policy),
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

void IntermediarySender::send(std::int64_t message_id, const std::string&, const channels::OutboundMessage& msg,
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
    slot = std::make_unique<Batch>(ioc_);
    slot->subject = msg.subject.empty() ? "Verzoek om persoonlijk contact" : msg.subject;
    slot->timer.expires_after(policy_.linger);
    slot->timer.async_wait([this, key, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
      if (ec || alive.expired()) return;
      dispatch(key);
    });
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
  if (slot->people.size() >= policy_.max_people) dispatch(key);
}

void IntermediarySender::flush_all() {
  std::vector<std::string> keys;
  for (const auto& [key, batch] : open_) keys.push_back(key);
  for (const auto& key : keys) dispatch(key);
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

void IntermediarySender::dispatch(const std::string& key) {
  auto it = open_.find(key);
  if (it == open_.end()) return;
  std::unique_ptr<Batch> batch = std::move(it->second);
  open_.erase(it);
  batch->timer.cancel();

  const channels::IntermediaryConnector& connector = connectors_.at(key);
  channels::Digest digest{.batch_id = next_batch_id(key),
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
    return finish(out);
  }
  spdlog::info("intermediary {}: digest {} for {} person(s)", key, digest.batch_id, digest.people.size());
  transport_.execute(std::move(*request), [&connector, batch_id = digest.batch_id,
                                           finish = std::move(finish)](channels::TransportResponse r) {
    channels::SendOutcome outcome = connector.parse_send(r);
    // Every person in the digest carries the batch id: reports back name it.
    if (outcome.verdict == channels::SendVerdict::sent) outcome.provider_id = batch_id;
    finish(outcome);
  });
}

}  // namespace outreach::engine
