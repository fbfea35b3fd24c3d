#include "storage/store.hpp"

#include <downline/error.hpp>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

std::unique_ptr<Store> open_store(std::string_view uri, const StoreOptions& options) {
  if (uri == "memory:" || uri == "memory") return open_memory_store();
  constexpr std::string_view kSqlite = "sqlite:";
  if (uri.starts_with(kSqlite))
    uri.remove_prefix(kSqlite.size());
  else if (auto colon = uri.find(':');
           colon != std::string_view::npos && colon > 1 && uri.find('/') > colon)
    throw InvalidArgument("unknown storage scheme '" + std::string(uri.substr(0, colon)) +
                              "': expected sqlite: or memory:",
                          "uri");
  if (uri.empty()) throw InvalidArgument("the sqlite: URI needs a file path", "uri");
  return open_sqlite_store(std::string(uri), options);
}

}  // namespace internal
DOWNLINE_END_NAMESPACE
