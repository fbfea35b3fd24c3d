// downline — version of the library.
#pragma once

#include <downline/export.hpp>

#define DOWNLINE_VERSION_MAJOR 0
#define DOWNLINE_VERSION_MINOR 1
#define DOWNLINE_VERSION_PATCH 0

DOWNLINE_BEGIN_NAMESPACE

/// The library's version as "MAJOR.MINOR.PATCH"; never fails.
DOWNLINE_API const char* version() noexcept;

DOWNLINE_END_NAMESPACE
