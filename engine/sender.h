#pragma once
// How the dispatcher hands a rendered message to a channel. A Sender completes every send exactly
// once through `done`, on the engine's thread: synchronously (sandbox) or later (HTTP/SMTP).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "channels/connector.h"

namespace outreach::net {
class HttpTransport;
}  // namespace outreach::net

namespace outreach::storage {
class Outbox;
}

namespace outreach::engine {


class Sender {
 public:
  using Done = std::function<void(channels::SendOutcome)>;
  virtual ~Sender() = default;
  // message_id identifies the outbox row (for the sandbox log); 0 for replies outside campaigns.
  virtual void send(std::int64_t message_id, const std::string& channel, const channels::OutboundMessage& msg,
                    Done done) = 0;
};

// Delivers into the sandbox outbox table, so a whole campaign runs without credentials.
// `outbox` must outlive the sender.
class SandboxSender final : public Sender {
 public:
  explicit SandboxSender(storage::Outbox& outbox) : outbox_(outbox) {}
  void send(std::int64_t message_id, const std::string& channel, const channels::OutboundMessage& msg,
            Done done) override;

 private:
  storage::Outbox& outbox_;
};

// A provider connector over a net::HttpTransport. Both must outlive the sender. An ambiguous
// outcome (channels::SendVerdict::ambiguous) is passed on as is, unless the connector deduplicates
// on our reference: then it is transient, since the retry carries the same reference.
class ConnectorSender final : public Sender {
 public:
  ConnectorSender(const channels::Connector& connector, net::HttpTransport& transport)
      : connector_(connector), transport_(transport) {}
  void send(std::int64_t message_id, const std::string& channel, const channels::OutboundMessage& msg,
            Done done) override;

 private:
  const channels::Connector& connector_;
  net::HttpTransport& transport_;
};

}  // namespace outreach::engine
