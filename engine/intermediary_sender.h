#pragma once
// The intermediary channel: instead of one message per person, each intermediary gets a digest of
// the people routed to it (engine/intermediary_routing.h) with what to tell each of them, by e-mail
// or as a signed webhook (channels/intermediary_connector.h).
//
// A person's send waits in its intermediary's open batch until the batch holds
// DigestPolicy::max_people or its first person has waited DigestPolicy::linger; then one digest
// goes out and every person in it completes with the digest's outcome. The batch id is each
// message's provider id, and each person's ref is their outbox message id, so a report back can be
// matched to exactly the people that intermediary was sent. Rows stay `sending` while they wait, so
// a crash leaves them `unknown`, never sent twice (the lease must exceed the linger; the config
// loader checks it).
//
// Threading: engine thread only. `ioc`, `transport` and `clock` must outlive the sender.

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "channels/intermediary_connector.h"
#include "core/clock.h"
#include "engine/engine_config.h"
#include "engine/sender.h"

namespace boost::asio {
class io_context;
}

namespace outreach::engine {

class IntermediarySender final : public Sender {
 public:
  IntermediarySender(boost::asio::io_context& ioc, net::HttpTransport& transport, const core::Clock& clock,
                     const std::vector<IntermediaryConfig>& intermediaries,
                     const std::optional<channels::EmailSettings>& smtp, DigestPolicy policy);
  ~IntermediarySender() override;
  IntermediarySender(const IntermediarySender&) = delete;
  IntermediarySender& operator=(const IntermediarySender&) = delete;

  // `msg.to` is "intermediary:<key>" and `msg.person` the person to approach.
  void send(std::int64_t message_id, const std::string& channel, const channels::OutboundMessage& msg,
            Done done) override;
  // Sends every open batch now (graceful shutdown; tests).
  void flush_all();
  // People waiting in open batches.
  std::size_t waiting() const;
  // The connector of intermediary `key` (verifies its reports back); nullptr when unknown.
  const channels::IntermediaryConnector* connector(const std::string& key) const;

 private:
  struct Batch;
  void dispatch(const std::string& key);
  std::string next_batch_id(const std::string& key);

  boost::asio::io_context& ioc_;
  net::HttpTransport& transport_;
  const core::Clock& clock_;
  DigestPolicy policy_;
  std::map<std::string, channels::IntermediaryConnector> connectors_;
  std::map<std::string, std::unique_ptr<Batch>> open_;  // by intermediary key
  std::mt19937_64 random_;
  std::shared_ptr<bool> alive_;  // guards linger timers after destruction
};

}  // namespace outreach::engine
