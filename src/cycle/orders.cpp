#include "cycle/orders.hpp"

#include "core/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {
namespace {

constexpr std::size_t kMaxLines = 1000;
constexpr std::size_t kMaxComments = 100;
constexpr std::size_t kMaxIdBytes = 64;
constexpr std::size_t kMaxCommentBytes = 1000;

bool terminal(OrderState s) {
  return s == OrderState::cancelled || s == OrderState::returned;
}

void add(std::vector<Finding>& out, Code code, std::string reason, std::string field,
         std::string message, std::string actual = {}, std::string required = {}) {
  out.push_back(Finding{code, std::move(reason), std::move(field), std::move(message),
                        std::move(actual), std::move(required)});
}

// Checks a short text: required, at most `max` bytes, UTF-8.
void check_text(std::string_view text, std::size_t max, const std::string& field, const char* what,
                std::vector<Finding>& out) {
  if (text.empty())
    add(out, Code::invalid_argument, "required", field, std::string(what) + " is required");
  else if (text.size() > max)
    add(out, Code::invalid_argument, "too_long", field,
        std::string(what) + " is longer than " + std::to_string(max) + " bytes",
        std::to_string(text.size()), std::to_string(max));
  else if (!is_valid_utf8(text))
    add(out, Code::invalid_argument, "not_utf8", field, std::string(what) + " is not UTF-8");
}

// An amount the store keeps in 64-bit micro-units: not negative, fitting.
void check_amount(const Decimal& d, const std::string& field, std::vector<Finding>& out) {
  if (d.micros() < 0)
    add(out, Code::invalid_argument, "negative", field, "an amount is not negative", d.to_string(),
        ">= 0");
  else if (d.micros() > INT64_MAX)
    add(out, Code::out_of_range, "too_large", field, "the amount does not fit", d.to_string(),
        "<= 9223372036854.775807");
}

// The sum of the lines' amounts (or volumes) when it fits; unset otherwise.
std::optional<Decimal> sum(const std::vector<OrderLine>& lines, Decimal OrderLine::*member) {
  Decimal total;
  try {
    for (const OrderLine& l : lines) total += l.*member;
  } catch (const OutOfRange&) {
    return std::nullopt;
  }
  return total;
}

void check_fields(const OrderReport& r, const std::string& prefix, std::vector<Finding>& out) {
  check_text(r.id, kMaxIdBytes, prefix + "id", "an order id", out);
  if (r.amount) check_amount(*r.amount, prefix + "amount", out);
  if (r.volume) check_amount(*r.volume, prefix + "volume", out);
  if (r.lines.size() > kMaxLines)
    add(out, Code::invalid_argument, "too_many", prefix + "lines",
        "an order has at most " + std::to_string(kMaxLines) + " lines",
        std::to_string(r.lines.size()), std::to_string(kMaxLines));
  for (std::size_t i = 0; i < r.lines.size() && i < kMaxLines; ++i) {
    const OrderLine& l = r.lines[i];
    const std::string at = prefix + "lines[" + std::to_string(i) + "].";
    check_text(l.sku, kMaxIdBytes, at + "sku", "a line's sku", out);
    if (l.quantity == 0)
      add(out, Code::invalid_argument, "bad_quantity", at + "quantity",
          "a line's quantity is at least 1", "0", ">= 1");
    check_amount(l.amount, at + "amount", out);
    check_amount(l.volume, at + "volume", out);
    for (std::size_t k = 0; k < l.flags.size(); ++k)
      check_text(l.flags[k], 32, at + "flags[" + std::to_string(k) + "]", "a flag", out);
  }
  if ((!r.amount || !r.volume) && !r.lines.empty()) {
    for (auto [member, name] :
         {std::pair{&OrderLine::amount, "amount"}, std::pair{&OrderLine::volume, "volume"}}) {
      const auto total = sum(r.lines, member);
      if (!total || total->micros() > INT64_MAX)
        add(out, Code::out_of_range, "too_large", prefix + name,
            std::string("the lines' ") + name + " does not fit");
    }
  }
  if (r.comments.size() > kMaxComments)
    add(out, Code::invalid_argument, "too_many", prefix + "comments",
        "a report adds at most " + std::to_string(kMaxComments) + " comments");
  for (std::size_t i = 0; i < r.comments.size() && i < kMaxComments; ++i) {
    const OrderComment& c = r.comments[i];
    const std::string at = prefix + "comments[" + std::to_string(i) + "].";
    if (c.stage != "payment" && c.stage != "shipping" && c.stage != "recipient")
      add(out, Code::invalid_argument, "unknown_stage", at + "stage",
          "a comment's stage is \"payment\", \"shipping\" or \"recipient\"", c.stage,
          "payment|shipping|recipient");
    check_text(c.text, kMaxCommentBytes, at + "text", "a comment", out);
  }
}

// Why `to` may not follow `from`; "" when it may.
std::string transition_fault(OrderState from, OrderState to) {
  const std::string names =
      " from " + std::string(to_string(from)) + " to " + std::string(to_string(to));
  if (terminal(from))
    return "the order is " + std::string(to_string(from)) + ": it cannot change state" + names;
  if (to == OrderState::cancelled)
    return from == OrderState::shipped ? "a shipped order is returned, not cancelled" : "";
  if (to == OrderState::returned)
    return from < OrderState::paid ? "an order not paid yet is cancelled, not returned" : "";
  if (to < from) return "an order's state does not go back" + names;
  return "";
}

void escape_into(std::string& out, std::string_view text) {
  out += '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out.append("\\u00").append(1, kHex[c >> 4]).append(1, kHex[c & 15]);
    } else {
      out += ch;
    }
  }
  out += '"';
}

std::vector<OrderComment> merged(const std::vector<OrderComment>& kept,
                                 const std::vector<OrderComment>& added) {
  std::vector<OrderComment> out = kept;
  for (const OrderComment& c : added)
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  return out;
}

}  // namespace

bool order_counts(OrderState state, OrderState counted_from) noexcept {
  return !terminal(state) && state >= counted_from;
}

std::string lines_to_json(const std::vector<OrderLine>& lines) {
  // Written by hand: a bulk report serialises ~200k of these per second.
  std::string out = "[";
  for (const OrderLine& l : lines) {
    if (out.size() > 1) out += ',';
    out += "{\"sku\":";
    escape_into(out, l.sku);
    out.append(",\"quantity\":").append(std::to_string(l.quantity));
    out.append(",\"amount\":\"").append(l.amount.to_string());
    out.append("\",\"volume\":\"").append(l.volume.to_string()).append("\"");
    if (!l.flags.empty()) {
      out += ",\"flags\":[";
      for (std::size_t k = 0; k < l.flags.size(); ++k) {
        if (k) out += ',';
        escape_into(out, l.flags[k]);
      }
      out += ']';
    }
    out += '}';
  }
  return out += ']';
}

std::vector<OrderLine> lines_from_json(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_array()) throw DataLoss("an order's stored lines are not a JSON array");
  std::vector<OrderLine> out;
  try {
    for (const auto& l : doc) {
      OrderLine line;
      line.sku = l.at("sku").get<std::string>();
      line.quantity = l.at("quantity").get<std::uint32_t>();
      line.amount = Decimal::parse(l.at("amount").get<std::string>());
      line.volume = Decimal::parse(l.at("volume").get<std::string>());
      if (auto f = l.find("flags"); f != l.end()) line.flags = f->get<std::vector<std::string>>();
      out.push_back(std::move(line));
    }
  } catch (const std::exception& e) {
    throw DataLoss(std::string("an order's stored lines are malformed: ") + e.what());
  }
  return out;
}

std::string comments_to_json(const std::vector<OrderComment>& comments) {
  std::string out = "[";
  for (const OrderComment& c : comments) {
    if (out.size() > 1) out += ',';
    out += "{\"stage\":";
    escape_into(out, c.stage);
    out += ",\"text\":";
    escape_into(out, c.text);
    out += '}';
  }
  return out += ']';
}

std::vector<OrderComment> comments_from_json(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_array()) throw DataLoss("an order's stored comments are not a JSON array");
  std::vector<OrderComment> out;
  try {
    for (const auto& c : doc)
      out.push_back(
          OrderComment{c.at("stage").get<std::string>(), c.at("text").get<std::string>()});
  } catch (const std::exception& e) {
    throw DataLoss(std::string("an order's stored comments are malformed: ") + e.what());
  }
  return out;
}

OrderPlan plan_order(const OrderReport& r, const OrderRow* stored, const Calendar& calendar,
                     Instant now, const std::string& prefix) {
  OrderPlan p;
  check_fields(r, prefix, p.findings);
  if (!p.findings.empty()) return p;
  const Instant at = r.at.value_or(now);
  const std::optional<Decimal> line_amount =
      r.lines.empty() ? std::nullopt : sum(r.lines, &OrderLine::amount);
  const std::optional<Decimal> line_volume =
      r.lines.empty() ? std::nullopt : sum(r.lines, &OrderLine::volume);
  const auto micros = [](const Decimal& d) { return static_cast<std::int64_t>(d.micros()); };

  if (!stored) {
    if (!r.owner)
      add(p.findings, Code::invalid_argument, "required", prefix + "owner",
          "a new order needs its owner");
    const Campaign* campaign = nullptr;
    if (!r.campaign.empty()) {
      campaign = calendar.find(r.campaign);
      if (!campaign)
        add(p.findings, Code::not_found, "unknown_campaign", prefix + "campaign",
            "unknown campaign '" + r.campaign + "'", r.campaign);
    } else {
      campaign = calendar.at(at);
      if (!campaign)
        add(p.findings, Code::failed_precondition, "no_campaign", prefix + "at",
            "no campaign of the calendar holds " + at.to_rfc3339() + ": add it first",
            at.to_rfc3339());
    }
    if (campaign && campaign->state == CampaignState::closed)
      add(p.findings, Code::failed_precondition, "campaign_closed", prefix + "campaign",
          "campaign '" + campaign->id + "' is closed: it takes no new orders", campaign->id);
    if (!p.findings.empty()) return p;
    OrderRow& row = p.row;
    row.id = r.id;
    row.owner = r.owner;
    row.created_by = r.created_by ? r.created_by : r.owner;
    row.campaign = campaign->id;
    row.state = static_cast<std::uint8_t>(r.state);
    row.amount_micros = micros(r.amount ? *r.amount : line_amount.value_or(Decimal{}));
    row.volume_micros = micros(r.volume ? *r.volume : line_volume.value_or(Decimal{}));
    row.created_at = row.state_at = at;
    row.lines_json = lines_to_json(r.lines);
    row.comments_json = comments_to_json(merged({}, r.comments));
    p.result = OrderResult::created;
    p.new_state = true;
    return p;
  }

  const OrderRow& s = *stored;
  p.before = s;
  if (r.owner && r.owner != s.owner)
    add(p.findings, Code::failed_precondition, "owner_changed", prefix + "owner",
        "order '" + s.id + "' belongs to person " + std::to_string(s.owner.value()),
        std::to_string(r.owner.value()), std::to_string(s.owner.value()));
  if (r.created_by && r.created_by != s.created_by)
    add(p.findings, Code::failed_precondition, "created_by_changed", prefix + "created_by",
        "order '" + s.id + "' was placed by person " + std::to_string(s.created_by.value()),
        std::to_string(r.created_by.value()), std::to_string(s.created_by.value()));
  if (!r.campaign.empty() && r.campaign != s.campaign)
    add(p.findings, Code::failed_precondition, "campaign_changed", prefix + "campaign",
        "order '" + s.id + "' belongs to campaign '" + s.campaign + "'", r.campaign, s.campaign);
  const auto from = static_cast<OrderState>(s.state);
  const bool new_state = r.state != from;
  // A state the order went through, reported no later than its last one,
  // is a feed replayed: nothing new.
  const bool earlier = !terminal(r.state) && (terminal(from) || r.state < from);
  if (new_state && earlier && at <= s.state_at) {
    if (p.findings.empty()) p.row = s;
    return p;
  }
  if (new_state) {
    if (auto fault = transition_fault(from, r.state); !fault.empty())
      add(p.findings, Code::failed_precondition, "state_transition", prefix + "state",
          "order '" + s.id + "': " + fault, std::string(to_string(r.state)),
          std::string(to_string(from)));
    else if (at < s.state_at)
      add(p.findings, Code::failed_precondition, "before_last_state", prefix + "at",
          "order '" + s.id + "' became " + std::string(to_string(from)) + " at " +
              s.state_at.to_rfc3339() + ": a later state comes after it",
          at.to_rfc3339(), ">= " + s.state_at.to_rfc3339());
  }
  OrderRow row = s;
  row.state = static_cast<std::uint8_t>(r.state);
  if (new_state) row.state_at = at;
  if (r.amount)
    row.amount_micros = micros(*r.amount);
  else if (line_amount)
    row.amount_micros = micros(*line_amount);
  if (r.volume)
    row.volume_micros = micros(*r.volume);
  else if (line_volume)
    row.volume_micros = micros(*line_volume);
  if (!r.lines.empty()) row.lines_json = lines_to_json(r.lines);
  if (!r.comments.empty())
    row.comments_json = comments_to_json(merged(comments_from_json(s.comments_json), r.comments));
  // Totals and lines are the shop's until payment; after it, only states
  // and comments follow.
  if (from > OrderState::placed) {
    const auto amended = [&](bool differs, const char* field) {
      if (differs)
        add(p.findings, Code::failed_precondition, "amended_after_payment", prefix + field,
            "order '" + s.id + "' is " + std::string(to_string(from)) + ": its " + field +
                " no longer change");
    };
    amended(row.amount_micros != s.amount_micros, "amount");
    amended(row.volume_micros != s.volume_micros, "volume");
    amended(row.lines_json != s.lines_json, "lines");
  }
  const bool differs = new_state || row.amount_micros != s.amount_micros ||
                       row.volume_micros != s.volume_micros || row.lines_json != s.lines_json ||
                       row.comments_json != s.comments_json;
  if (differs && p.findings.empty())
    if (const Campaign* c = calendar.find(s.campaign); c && c->state == CampaignState::closed)
      add(p.findings, Code::failed_precondition, "campaign_closed", prefix + "campaign",
          "campaign '" + s.campaign + "' is closed: its orders no longer change", s.campaign);
  if (!p.findings.empty()) return p;
  p.row = std::move(row);
  p.result = differs ? OrderResult::changed : OrderResult::unchanged;
  p.new_state = new_state;
  return p;
}

Order order_of(const OrderRow& row, const std::vector<OrderStateRow>& history,
               OrderState counted_from) {
  Order o;
  o.id = row.id;
  o.owner = row.owner;
  o.created_by = row.created_by;
  o.campaign = row.campaign;
  o.state = static_cast<OrderState>(row.state);
  o.amount = Decimal::from_micros(row.amount_micros);
  o.volume = Decimal::from_micros(row.volume_micros);
  o.lines = lines_from_json(row.lines_json);
  o.comments = comments_from_json(row.comments_json);
  for (const OrderStateRow& h : history)
    o.history.push_back(OrderStateChange{static_cast<OrderState>(h.state), h.at, h.seq});
  o.counted = order_counts(o.state, counted_from);
  return o;
}

}  // namespace internal
DOWNLINE_END_NAMESPACE

DOWNLINE_BEGIN_NAMESPACE

std::string_view to_string(CampaignState state) noexcept {
  switch (state) {
    case CampaignState::open: return "open";
    case CampaignState::pre_calculated: return "pre_calculated";
    case CampaignState::closed: return "closed";
  }
  return "open";
}

std::optional<CampaignState> parse_campaign_state(std::string_view name) noexcept {
  for (auto s : {CampaignState::open, CampaignState::pre_calculated, CampaignState::closed})
    if (to_string(s) == name) return s;
  return std::nullopt;
}

std::string_view to_string(OrderState state) noexcept {
  switch (state) {
    case OrderState::draft: return "draft";
    case OrderState::placed: return "placed";
    case OrderState::paid: return "paid";
    case OrderState::invoiced: return "invoiced";
    case OrderState::shipped: return "shipped";
    case OrderState::cancelled: return "cancelled";
    case OrderState::returned: return "returned";
  }
  return "draft";
}

std::optional<OrderState> parse_order_state(std::string_view name) noexcept {
  for (int i = 0; i <= static_cast<int>(OrderState::returned); ++i)
    if (to_string(static_cast<OrderState>(i)) == name) return static_cast<OrderState>(i);
  return std::nullopt;
}

std::string_view to_string(OrderResult result) noexcept {
  switch (result) {
    case OrderResult::created: return "created";
    case OrderResult::changed: return "changed";
    case OrderResult::unchanged: return "unchanged";
  }
  return "unchanged";
}

DOWNLINE_END_NAMESPACE
