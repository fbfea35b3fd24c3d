// UTF-8 well-formedness, checked where text enters the library (names,
// addresses) so that nothing malformed reaches the store, JSON or Python.
#pragma once

#include <downline/export.hpp>

#include <string_view>

DOWNLINE_BEGIN_NAMESPACE
namespace internal {

/// True when `s` is well-formed UTF-8 as the Unicode Standard (table 3-7)
/// defines it: no overlong forms, no surrogates U+D800–U+DFFF, nothing above
/// U+10FFFF, no stray continuation byte and no truncated sequence. The empty
/// string is well formed. Thread-safe; reads `s` only.
bool is_valid_utf8(std::string_view s) noexcept;

}  // namespace internal
DOWNLINE_END_NAMESPACE
