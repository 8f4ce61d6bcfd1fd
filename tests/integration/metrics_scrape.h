// Reading a node's Prometheus endpoint (--metrics-listen) in tests.
#ifndef COUNCIL_TESTS_INTEGRATION_METRICS_SCRAPE_H_
#define COUNCIL_TESTS_INTEGRATION_METRICS_SCRAPE_H_

#include <map>
#include <string>

namespace council::itest {

// GET http://addr/metrics ("127.0.0.1:PORT"); the body, or "" on any failure.
std::string Scrape(const std::string& addr);

// Sample name with labels -> value, e.g. "council_link_up{peer=\"51\",role=\"parent\"}".
std::map<std::string, double> Samples(const std::string& text);

}  // namespace council::itest

#endif  // COUNCIL_TESTS_INTEGRATION_METRICS_SCRAPE_H_
