// A one-line progress bar on standard error, for the commands' long work.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace downline::cli {

/// Draws "label [####....]  42% done/total  rate/s" on stderr, in place;
/// does nothing when disabled (not a terminal, or --no-progress).
class ProgressBar {
 public:
  ProgressBar(bool enabled, std::string label, std::string unit = "")
      : enabled_(enabled), label_(std::move(label)), unit_(std::move(unit)) {}
  /// Redraws the bar; a new line when done reaches total. Never fails.
  void update(std::uint64_t done, std::uint64_t total) {
    if (!enabled_ || total == 0) return;
    const int width = 30;
    const int filled = static_cast<int>(width * std::min(done, total) / total);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = static_cast<double>(done) / std::max(seconds, 1e-9);
    std::fprintf(stderr, "\r%s [%s%s] %3d%% %llu/%llu%s  %.0f%s/s", label_.c_str(),
                 std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                 static_cast<int>(100 * std::min(done, total) / total),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 unit_.c_str(), rate, unit_.c_str());
    if (done >= total) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  std::string label_, unit_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace downline::cli
