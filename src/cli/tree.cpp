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

TreeFormat parse_format(const std::string& name) {
  if (name == "json") return TreeFormat::json;
  if (name == "csv") return TreeFormat::csv;
  if (name == "dot") return TreeFormat::dot;
  throw InvalidArgument("unknown format '" + name + "'; expected json, csv or dot", "--format");
}

}  // namespace

int run_tree(const TreeOptions& options) {
  TreeExportOptions export_options;
  export_options.network = options.network;
  export_options.max_depth = options.depth;
  export_options.format = parse_format(options.format);
  const Company company = open_existing(options.db, company_config(options.config_path));
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
