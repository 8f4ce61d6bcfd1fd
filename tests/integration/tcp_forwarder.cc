#include "tcp_forwarder.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/str_cat.h"

namespace council::itest {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// Writes all of `data`; false if the peer is gone.
bool WriteAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TcpForwarder>> TcpForwarder::Start(int target_port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError("socket");
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 8) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("forwarder cannot listen: errno ", errno));
  }
  std::unique_ptr<TcpForwarder> f(new TcpForwarder(fd, ntohs(addr.sin_port), target_port));
  f->thread_ = std::thread([p = f.get()] { p->Relay(); });
  return f;
}

TcpForwarder::TcpForwarder(int listen_fd, int port, int target_port)
    : listen_fd_(listen_fd), port_(port), target_port_(target_port) {}

TcpForwarder::~TcpForwarder() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  close(listen_fd_);
}

std::string TcpForwarder::address() const { return absl::StrCat("127.0.0.1:", port_); }

void TcpForwarder::Relay() {
  struct Pair {
    int client, target;
  };
  std::vector<Pair> pairs;
  std::vector<char> buf(64 << 10);
  while (!stop_) {
    std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
    for (const Pair& p : pairs) {
      fds.push_back({p.client, POLLIN, 0});
      fds.push_back({p.target, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), 100) <= 0) continue;
    std::vector<Pair> alive;  // the polled pairs still open, then a new one
    if (fds[0].revents & POLLIN) {
      int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      int target = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in to = Loopback(target_port_);
      if (client >= 0 && target >= 0 &&
          connect(target, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
        alive.push_back({client, target});
      } else {
        if (client >= 0) close(client);
        if (target >= 0) close(target);
      }
    }
    for (size_t i = 0; i < pairs.size(); ++i) {
      const Pair& p = pairs[i];
      bool open = true;
      for (int dir = 0; dir < 2 && open; ++dir) {
        const pollfd& pf = fds[1 + 2 * i + dir];
        if (!(pf.revents & (POLLIN | POLLHUP | POLLERR))) continue;
        int from = dir == 0 ? p.client : p.target;
        int to = dir == 0 ? p.target : p.client;
        ssize_t n = recv(from, buf.data(), buf.size(), 0);
        if (n <= 0 || !WriteAll(to, buf.data(), static_cast<size_t>(n))) {
          open = false;
          break;
        }
        (dir == 0 ? up_ : down_) += static_cast<uint64_t>(n);
      }
      if (open) {
        alive.push_back(p);
      } else {
        close(p.client);
        close(p.target);
      }
    }
    pairs = std::move(alive);
  }
  for (const Pair& p : pairs) {
    close(p.client);
    close(p.target);
  }
}

}  // namespace council::itest
