#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install the dependencies, build
# (Release), then `downline demo` on the embedded SQLite default. Extra
# arguments go to `downline demo` (e.g. --persons 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target downline_cli
./build/release/bin/downline demo "$@"
