#include "engine/channel_set.h"

#include "channels/connector_factory.h"
#include "net/curl_multi.h"
#include "engine/engine_config.h"
#include "net/http_transport.h"
#include "net/wire_lane.h"
#include "engine/intermediary_sender.h"
#include "engine/sender.h"
#include "storage/outbox.h"

namespace outreach::engine {

core::Result<std::unique_ptr<ChannelSet>> ChannelSet::build(boost::asio::io_context& ioc, storage::Outbox& outbox,
                                                            const EngineConfig& config, const core::Clock* clock,
                                                            bool wire_thread) {
  std::unique_ptr<ChannelSet> set(new ChannelSet());
  set->multi_ = std::make_unique<net::CurlMulti>(ioc);
  if (wire_thread) {
    set->wire_ = std::make_unique<net::WireLane>(ioc);
    set->wire_multi_ = std::make_unique<net::CurlMulti>(set->wire_->io());
  }
  set->sandbox_ = std::make_unique<SandboxSender>(outbox);
  for (const auto& [name, ch] : config.channels) {
    if (ch.provider == "sandbox") continue;
    if (ch.provider == "intermediary") {
      if (set->intermediaries_) return core::Error::invalid("only one channel can use provider intermediary", "channels." + name);
      if (config.intermediaries.empty()) return core::Error::invalid("provider intermediary needs intermediaries configured", "channels." + name);
      auto transport = std::make_unique<net::HttpTransport>(*set->multi_, ch.max_in_flight);
      auto sender = std::make_unique<IntermediarySender>(ioc, *transport, clock ? *clock : set->system_clock_,
                                                         config.intermediaries, config.digest_smtp, config.digest,
                                                         &outbox.database());
      set->intermediaries_ = sender.get();
      set->senders_[name] = std::move(sender);
      set->transports_[name] = std::move(transport);
      continue;
    }
    auto connector = channels::make_connector(ch.settings);
    if (!connector) return connector.error().within("channels." + name);
    auto transport = std::make_unique<net::HttpTransport>(set->wire_ ? *set->wire_multi_ : *set->multi_, ch.max_in_flight);
    set->senders_[name] = std::make_unique<ConnectorSender>(**connector, *transport, set->wire_.get());
    set->connectors_[name] = std::move(*connector);
    (set->wire_ ? set->wire_transports_ : set->transports_)[name] = std::move(transport);
  }
  if (set->wire_) set->wire_->start();
  for (const auto& [name, ch] : config.channels) {
    if (ch.provider == "sandbox") set->senders_.emplace(name, nullptr);
  }
  return set;
}

ChannelSet::~ChannelSet() {
  // The wire thread first: then nothing runs on the wire while its objects go.
  if (wire_) wire_->stop();
  // Transports hold easy handles of the multi: destroy them first.
  senders_.clear();
  transports_.clear();
  wire_transports_.clear();
  wire_multi_.reset();
}

std::map<std::string, Sender*> ChannelSet::senders() const {
  std::map<std::string, Sender*> out;
  for (const auto& [name, s] : senders_) out[name] = s ? s.get() : sandbox_.get();
  return out;
}

const channels::Connector* ChannelSet::connector(const std::string& channel) const {
  auto it = connectors_.find(channel);
  return it == connectors_.end() ? nullptr : it->second.get();
}

const channels::IntermediaryConnector* ChannelSet::intermediary(const std::string& key) const {
  return intermediaries_ ? intermediaries_->connector(key) : nullptr;
}

void ChannelSet::flush_digests() {
  if (intermediaries_) intermediaries_->flush_all();
}

std::size_t ChannelSet::queued() const {
  std::size_t n = 0;
  for (const auto& [name, t] : transports_) n += t->queued();
  return n;
}

}  // namespace outreach::engine
