// Small status helpers that Abseil 20220623 does not ship.
#ifndef COUNCIL_NODE_CORE_STATUS_MACROS_H_
#define COUNCIL_NODE_CORE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define COUNCIL_CONCAT_INNER_(a, b) a##b
#define COUNCIL_CONCAT_(a, b) COUNCIL_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` yields a non-OK status.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status council_status_ = (expr);       \
    if (!council_status_.ok()) return council_status_; \
  } while (0)

// ASSIGN_OR_RETURN(lhs, expr): evaluates a StatusOr, returns its status on
// error, otherwise moves the value into `lhs` (which may be a declaration).
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(COUNCIL_CONCAT_(council_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#endif  // COUNCIL_NODE_CORE_STATUS_MACROS_H_
