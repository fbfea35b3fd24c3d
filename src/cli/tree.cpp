#include "cli/tree.hpp"

#include <downline/downline.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>

namespace downline::cli {
namespace {

constexpr std::string_view kExternalPrefix = "ext:";

TreeFormat parse_format(const std::string& name) {
  if (name == "json") return TreeFormat::json;
  if (name == "csv") return TreeFormat::csv;
  if (name == "dot") return TreeFormat::dot;
  throw InvalidArgument("unknown format '" + name + "'; expected json, csv or dot", "--format");
}

// "42", or "ext:A-17" for the person with that external id.
PersonId resolve_person(const Company& company, const Actor& actor, const std::string& text) {
  if (std::string_view(text).starts_with(kExternalPrefix)) {
    const std::string external_id = text.substr(kExternalPrefix.size());
    if (const auto id = company.find_person(actor, external_id)) return *id;
    throw NotFound("no person has external id '" + external_id + "'", "PERSON");
  }
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || id <= 0) {
    throw InvalidArgument("PERSON must be a positive id or ext:<external id>, got '" + text + "'",
                          "PERSON");
  }
  return PersonId{id};
}

}  // namespace

int run_tree(const TreeOptions& options) {
  TreeExportOptions export_options;
  export_options.network = options.network;
  export_options.max_depth = options.depth;
  export_options.format = parse_format(options.format);
  // Opening a missing file would create an empty company.
  if (!std::filesystem::exists(options.db)) {
    throw NotFound("no company database '" + options.db +
                       "'; create one with `downline demo --db " + options.db + "`",
                   "--db");
  }
  const std::string config = company_config(options.config_path);
  const Company company = Company::open("sqlite:" + options.db, config);
  const Actor actor = Actor::staff("cli", {"admin"});
  const PersonId person = resolve_person(company, actor, options.person);
  std::string text = company.export_tree(actor, person, export_options);
  if (!text.empty() && text.back() != '\n') text += '\n';

  if (options.output.empty()) {
    std::cout << text << std::flush;
    return 0;
  }
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out)
    throw InvalidArgument("cannot write the output file '" + options.output + "'", "--output");
  return 0;
}

}  // namespace downline::cli
