#!/usr/bin/env bash
# npm run setup: what a fresh machine needs for `npm start` and `npm test`.
#   1. Debian packages the test suites use (neovim for the Neovim test; chromium, libkrb5-dev,
#      ripgrep and a C++ toolchain for VS Code through code-server), installed when missing and
#      run as root; otherwise the missing ones are named.
#   2. npm ci (exact versions from the lockfile) and the build (dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v nvim >/dev/null || missing+=(neovim)
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
{ command -v make >/dev/null && command -v g++ >/dev/null; } || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]} — install them (sudo apt-get install ${missing[*]}); the tests that need them fail without them" >&2
  fi
fi
npm ci --no-audit --no-fund
npm run build
