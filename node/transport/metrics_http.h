// Serves GET /metrics (Prometheus text format) over HTTP with GNU
// libmicrohttpd, from its own thread.
#ifndef COUNCIL_NODE_TRANSPORT_METRICS_HTTP_H_
#define COUNCIL_NODE_TRANSPORT_METRICS_HTTP_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

struct MHD_Daemon;

namespace council::transport {

class MetricsServer {
 public:
  // Listens on `address` (IPv4 HOST:PORT; port 0 picks one). `render` is
  // called for every scrape, from the server's thread, and must outlive it.
  // UNAVAILABLE if the address cannot be bound, INVALID_ARGUMENT if malformed.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      const std::string& address, std::function<std::string()> render);
  ~MetricsServer();  // stops serving

  const std::string& address() const { return address_; }

 private:
  MetricsServer() = default;
  MHD_Daemon* daemon_ = nullptr;
  std::function<std::string()> render_;
  std::string address_;
};

}  // namespace council::transport

#endif  // COUNCIL_NODE_TRANSPORT_METRICS_HTTP_H_
