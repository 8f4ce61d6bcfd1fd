// A TCP forwarder on 127.0.0.1 that counts the bytes it relays each way:
// what a node link really puts on the wire (TLS, HTTP/2, compression).
#ifndef COUNCIL_TESTS_INTEGRATION_TCP_FORWARDER_H_
#define COUNCIL_TESTS_INTEGRATION_TCP_FORWARDER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace council::itest {

class TcpForwarder {
 public:
  // Listens on 127.0.0.1 (a free port) and relays every connection to
  // 127.0.0.1:`target_port` until destroyed.
  static absl::StatusOr<std::unique_ptr<TcpForwarder>> Start(int target_port);
  ~TcpForwarder();  // closes every connection and joins the relay thread

  std::string address() const;  // "127.0.0.1:PORT"
  uint64_t bytes_up() const { return up_; }      // from the dialling side to the target
  uint64_t bytes_down() const { return down_; }  // from the target back

 private:
  TcpForwarder(int listen_fd, int port, int target_port);
  void Relay();  // polls every 100 ms for the stop flag

  const int listen_fd_;
  const int port_;
  const int target_port_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> up_{0}, down_{0};
  std::thread thread_;
};

}  // namespace council::itest

#endif  // COUNCIL_TESTS_INTEGRATION_TCP_FORWARDER_H_
