// Company::export_tree: a subtree written as nested JSON, CSV or Graphviz DOT.
//
// Built on the public reader API (path, level, downline) under one
// NetworkReader, so the whole export sees one state of the network; only the
// root's own type, status and slot are read from the index the reader locks.
// The output is streamed over the pre-order with a stack of open ancestors:
// no search and no recursion, so a deep or wide tree costs linear time and
// constant stack.
#include <downline/company.hpp>

#include "company/company_state.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

DOWNLINE_BEGIN_NAMESPACE

namespace {

using OrderedJson = nlohmann::ordered_json;

// One person as written: their place in the network and their stored row.
struct Row {
  const NetworkMember& member;
  const internal::PersonRow& person;
  std::string_view path;
};

std::string id_text(PersonId id) {
  return id ? std::to_string(id.value()) : std::string();
}

// The C++ API stores whatever bytes a host gives; every format writes valid
// UTF-8, invalid sequences becoming U+FFFD as in the library's JSON.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80           ? 1
                          : (c >> 5) == 0x6  ? 2
                          : (c >> 4) == 0xE  ? 3
                          : (c >> 3) == 0x1E ? 4
                                             : 0;
    bool ok = n != 0 && i + n <= s.size();
    std::uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
    for (std::size_t k = 1; ok && k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are invalid too.
    if (ok && n > 1) {
      static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[n] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string full_name(const internal::PersonRow& p) {
  if (p.data.last_name.empty()) return p.data.first_name;
  if (p.data.first_name.empty()) return p.data.last_name;
  return p.data.first_name + " " + p.data.last_name;
}

// --- the three writers: open(row) per person in pre-order, close() when a
// person's subtree ends ------------------------------------------------------

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void open(const Row& r) {
    if (!out_.empty() && out_.back() != '[') out_ += ',';
    OrderedJson o = OrderedJson::object();
    o["id"] = id_text(r.member.id);
    o["external_id"] = r.person.data.external_id;
    o["name"] = full_name(r.person);
    o["parent"] = r.member.parent ? OrderedJson(id_text(r.member.parent)) : OrderedJson(nullptr);
    o["level"] = r.member.level;
    o["relative_level"] = r.member.relative_level;
    o["position"] = r.member.position;
    o["type"] = to_string(r.member.type);
    o["status"] = to_string(r.member.status);
    o["path"] = r.path;
    std::string fields = o.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
    fields.pop_back();  // the closing brace: "children" comes last
    out_ += fields;
    out_ += ",\"children\":[";
  }
  void close() { out_ += "]}"; }

 private:
  std::string& out_;
};

class CsvWriter {
 public:
  explicit CsvWriter(std::string& out) : out_(out) {
    out_ += "id,external_id,name,parent,level,relative_level,position,type,status,path\n";
  }

  void open(const Row& r) {
    field(id_text(r.member.id));
    field(r.person.data.external_id);
    field(full_name(r.person));
    field(id_text(r.member.parent));
    field(std::to_string(r.member.level));
    field(std::to_string(r.member.relative_level));
    field(std::to_string(r.member.position));
    field(to_string(r.member.type));
    field(to_string(r.member.status));
    field(r.path);
    out_.back() = '\n';
  }
  void close() {}

 private:
  // RFC 4180: a field holding a comma, quote, CR or LF is quoted, its quotes
  // doubled. Followed by a comma; the row's last one becomes the line end.
  void field(std::string_view raw) {
    const std::string v = valid_utf8(raw);
    if (v.find_first_of(",\"\r\n") == std::string::npos) {
      out_ += v;
    } else {
      out_ += '"';
      for (char c : v) {
        if (c == '"') out_ += '"';
        out_ += c;
      }
      out_ += '"';
    }
    out_ += ',';
  }

  std::string& out_;
};

class DotWriter {
 public:
  explicit DotWriter(std::string& out) : out_(out) {
    out_ += "digraph downline {\n  rankdir=TB;\n  node [shape=box];\n";
  }

  /// `above`: the written person this one hangs from (unset for the first);
  /// not their parent when the actor may not see the persons in between.
  void open(const Row& r, PersonId above) {
    out_ += "  ";
    quoted(id_text(r.member.id));
    out_ += " [label=\"";
    escaped(full_name(r.person) + " #" + id_text(r.member.id));
    out_ += "\\n";
    escaped(std::string(to_string(r.member.type)) + " / " +
            std::string(to_string(r.member.status)));
    out_ += "\"];\n";
    if (above) {
      out_ += "  ";
      quoted(id_text(above));
      out_ += " -> ";
      quoted(id_text(r.member.id));
      out_ += above == r.member.parent ? ";\n" : " [style=dashed];\n";
    }
  }
  void close() {}
  void finish() { out_ += "}\n"; }

 private:
  // Inside a DOT string only the quote and the backslash are special (a
  // backslash starts a label escape such as \n); line breaks in stored text
  // become spaces.
  void escaped(std::string_view raw) {
    for (char c : valid_utf8(raw)) {
      if (c == '"' || c == '\\') out_ += '\\';
      out_ += c == '\n' || c == '\r' ? ' ' : c;
    }
  }
  void quoted(std::string_view raw) {
    out_ += '"';
    escaped(raw);
    out_ += '"';
  }

  std::string& out_;
};

std::string join_path(const std::vector<PersonId>& ids) {
  std::string out;
  for (PersonId id : ids) {
    if (!out.empty()) out += '.';
    out += std::to_string(id.value());
  }
  return out;
}

}  // namespace

std::string Company::export_tree(const Actor& actor, PersonId person,
                                 const TreeExportOptions& options) const {
  // One reader for everything: the index stays as it is until the export is
  // written (writers wait for it).
  const NetworkReader net = reader(actor, options.network);
  const std::vector<PersonId> root_path = net.path(person);  // NotFound, PermissionDenied

  // The root as a member. The reader has no single-member lookup, so type,
  // status and slot come from the index, which `net` keeps locked; the parent
  // from the path (unset when the actor may not see it, as in upline()).
  NetworkMember root;
  root.id = person;
  if (root_path.size() >= 2) root.parent = root_path[root_path.size() - 2];
  root.level = net.level(person);
  {
    const internal::GenealogyIndex& index = state_->index;
    const internal::Node node = internal::GenealogyIndex::node_of(person);
    root.type = index.type(node);
    root.status = index.status(node);
    root.position = index.tree(state_->network_of(options.network)).position(node);
  }

  DownlinePage page;
  if (!options.max_depth || *options.max_depth > 0) {
    DownlineQuery query;
    query.network = options.network;
    query.max_depth = options.max_depth;
    page = net.downline(person, query);
  }

  // Names are not in the index: one store read per person, about 12 us on
  // SQLite (63k rows: 0.8 s). Store::with_read_snapshot around the loop
  // halves that but holds the store's read mutex throughout, stalling every
  // other thread's query (sync() reads the store); a batched
  // Store::get_persons would be the real fix.
  const internal::Store& store = *state_->store;
  auto stored = [&](PersonId id) {
    auto row = store.get_person(id);
    if (!row)
      throw Internal("person " + std::to_string(id.value()) + " is in the index, not the store");
    return std::move(*row);
  };
  const internal::PersonRow root_row = stored(person);

  std::string out;
  out.reserve(128 * (page.members.size() + 1));

  // The chain of written persons above the current one, in pre-order.
  struct Open {
    PersonId id;
    std::uint32_t level;
    std::string path;
  };
  std::vector<Open> open;
  auto walk = [&](auto&& on_open, auto&& on_close) {
    open.push_back({person, root.level, join_path(root_path)});
    on_open(Row{root, root_row, open.back().path}, PersonId{});
    for (const NetworkMember& m : page.members) {
      // Close the subtrees `m` is not in. A network other than sponsor may
      // hide the persons between a consultant and someone they see: `m` then
      // hangs from the nearest written person above them, and their path is
      // the reader's own.
      const auto above_m = [&](const Open& o) {
        return o.level < m.level && (o.id == m.parent || net.is_in_downline(m.id, o.id));
      };
      while (open.size() > 1 && !above_m(open.back())) {
        on_close();
        open.pop_back();
      }
      std::string path = open.back().id == m.parent
                             ? open.back().path + "." + std::to_string(m.id.value())
                             : join_path(net.path(m.id));
      const PersonId above = open.back().id;
      open.push_back({m.id, m.level, std::move(path)});
      const internal::PersonRow row = stored(m.id);
      on_open(Row{m, row, open.back().path}, above);
    }
    for (; !open.empty(); open.pop_back()) on_close();
  };

  switch (options.format) {
    case TreeFormat::json: {
      JsonWriter w(out);
      walk([&](const Row& r, PersonId) { w.open(r); }, [&] { w.close(); });
      break;
    }
    case TreeFormat::csv: {
      CsvWriter w(out);
      walk([&](const Row& r, PersonId) { w.open(r); }, [&] { w.close(); });
      break;
    }
    case TreeFormat::dot: {
      DotWriter w(out);
      walk([&](const Row& r, PersonId above) { w.open(r, above); }, [&] { w.close(); });
      w.finish();
      break;
    }
    default:
      throw InvalidArgument(
          "unknown tree format " + std::to_string(static_cast<int>(options.format)), "format");
  }
  return out;
}

DOWNLINE_END_NAMESPACE
