// Orders as facts the host reports: which state may follow which, what a
// report may change, and how lines and comments are kept.
#pragma once

#include <downline/cycle.hpp>

#include "cycle/calendar.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// True when an order in `state` counts towards its campaign (from
/// `counted_from` on, neither cancelled nor returned).
bool order_counts(OrderState state, OrderState counted_from) noexcept;

/// What a report does to an order, decided before anything is written.
struct OrderPlan {
  OrderResult result = OrderResult::unchanged;
  OrderRow row;                    ///< the order as it will be (oid and seq set by the writer)
  std::optional<OrderRow> before;  ///< the stored order, if any
  bool new_state = false;          ///< a state to add to its history
  std::vector<Finding> findings;   ///< when not empty, nothing is written
};

/// Plans a report against the stored order (null for a new one) and the
/// calendar; `now` stands in for an unset `at`. A report of a state the
/// order passed, no later than its last state, is unchanged (a replay). Findings name their fields
/// below `prefix` ("orders[3].state"). Does not check that the persons
/// exist: the caller's index knows.
OrderPlan plan_order(const OrderReport& report, const OrderRow* stored, const Calendar& calendar,
                     Instant now, const std::string& prefix);

/// The JSON array the store keeps an order's lines in, and back.
std::string lines_to_json(const std::vector<OrderLine>& lines);
/// Throws DataLoss when `json` is not what lines_to_json writes.
std::vector<OrderLine> lines_from_json(std::string_view json);
/// The JSON array the store keeps an order's comments in, and back.
std::string comments_to_json(const std::vector<OrderComment>& comments);
/// Throws DataLoss when `json` is not what comments_to_json writes.
std::vector<OrderComment> comments_from_json(std::string_view json);

/// The order a stored row and its history describe.
Order order_of(const OrderRow& row, const std::vector<OrderStateRow>& history,
               OrderState counted_from);

}  // namespace internal
DOWNLINE_END_NAMESPACE
