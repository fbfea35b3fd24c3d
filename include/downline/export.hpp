// downline — symbol visibility and the versioned inline namespace.
//
// The library is built with hidden visibility; only declarations marked
// DOWNLINE_API are exported from the shared object.
#pragma once

#if defined(DOWNLINE_STATIC_DEFINE)
#define DOWNLINE_API
#elif defined(_WIN32)
#if defined(DOWNLINE_BUILDING)
#define DOWNLINE_API __declspec(dllexport)
#else
#define DOWNLINE_API __declspec(dllimport)
#endif
#else
#define DOWNLINE_API __attribute__((visibility("default")))
#endif

// Two major versions of downline cannot be linked into one program silently:
// every symbol carries the inline namespace `v0`.
#define DOWNLINE_BEGIN_NAMESPACE \
  namespace downline {           \
  inline namespace v0 {
#define DOWNLINE_END_NAMESPACE \
  }                            \
  }
