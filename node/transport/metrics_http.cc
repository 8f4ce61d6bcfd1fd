#include "node/transport/metrics_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "microhttpd.h"

namespace council::transport {
namespace {

MHD_Result Answer(void* cls, MHD_Connection* connection, const char* url, const char* method,
                  const char*, const char*, size_t*, void**) {
  auto* render = static_cast<std::function<std::string()>*>(cls);
  bool found = std::strcmp(method, "GET") == 0 && std::strcmp(url, "/metrics") == 0;
  std::string body = found ? (*render)() : "not found: try GET /metrics\n";
  MHD_Response* response = MHD_create_response_from_buffer(body.size(), body.data(),
                                                           MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(response, "Content-Type",
                          found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain");
  MHD_Result ret = MHD_queue_response(connection, found ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND, response);
  MHD_destroy_response(response);
  return ret;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& address, std::function<std::string()> render) {
  size_t colon = address.rfind(':');
  int port = -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port < 0 || port > 65535 ||
      inet_pton(AF_INET, address.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid --metrics-listen '", address, "': expected IPv4 HOST:PORT, e.g. 127.0.0.1:9101"));
  }
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::unique_ptr<MetricsServer> server(new MetricsServer());
  server->render_ = std::move(render);
  server->daemon_ = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, static_cast<uint16_t>(port), nullptr,
      nullptr, &Answer, &server->render_, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_END);
  if (server->daemon_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", address));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->address_ = absl::StrCat(address.substr(0, colon), ":", info ? info->port : port);
  return server;
}

MetricsServer::~MetricsServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
}

}  // namespace council::transport
