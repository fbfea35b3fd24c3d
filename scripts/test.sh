#!/usr/bin/env bash
# Runs every test of downline on a fresh Debian 12 machine:
#   1. installs the build dependencies (scripts/setup.sh, apt-get),
#   2. Release build: C++, C, Python (/usr/bin/python3), examples, the
#      find_package consumer and a benchmark smoke run,
#   3. the C++ and C tests again under AddressSanitizer + UBSan,
#   4. the concurrency tests under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

cmake --preset release
cmake --build --preset release
ctest --preset release

cmake --preset asan
cmake --build --preset asan
ctest --preset asan

cmake --preset tsan
cmake --build --preset tsan
ctest --preset tsan

echo "every test passed"
