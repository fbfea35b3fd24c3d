#!/usr/bin/env bash
# Installs, from Debian's archive only, everything downline needs to build and
# test. Idempotent: packages already present are left as they are.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libsqlitecpp-dev libsqlite3-dev nlohmann-json3-dev libboost-dev
  libphonenumber-dev libhowardhinnant-date-dev tzdata libcli11-dev libgtest-dev libgmock-dev googletest libbenchmark-dev
  pybind11-dev python3-pybind11 python3-dev python3-pytest python3-pandas graphviz
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
