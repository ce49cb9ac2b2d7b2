#!/usr/bin/env bash
# Installs code-server 4.100.3 (= VS Code 1.100.3, the newest release whose engines.node is 20)
# into a cache folder outside the tracked files, using only the npm registry and Debian's packages.
#
#   scripts/install-code-server.sh [DIR]      (default: .cache/code-server in the repository)
#
# Idempotent: exits at once when DIR already holds a complete install (marker file).
# Needs the Debian packages libkrb5-dev (kerberos builds from source), ripgrep (used instead of the
# GitHub download of @vscode/ripgrep), build-essential + python3 (native rebuilds); chromium for runs.
set -euo pipefail
VERSION=4.100.3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-${CODE_SERVER_DIR:-$ROOT/.cache/code-server}}
MARKER="$DIR/.installed-$VERSION"
[ -f "$MARKER" ] && { echo "code-server $VERSION already installed in $DIR"; exit 0; }

missing=()
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v make >/dev/null && command -v g++ >/dev/null || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing Debian packages: ${missing[*]} (apt-get install them first)" >&2; exit 1
  fi
fi

t0=$(date +%s)
rm -rf "$DIR"; mkdir -p "$DIR"; cd "$DIR"
echo '{"name":"code-server-cache","private":true}' > package.json
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# 1. The package itself without its scripts: as root its postinstall refuses to run, and it would
#    download ripgrep from GitHub. argon2 then rebuilds from source (its prebuilt download fails).
npm install --no-save code-server@$VERSION --ignore-scripts --loglevel=error
npm rebuild argon2 --foreground-scripts --loglevel=error >/dev/null
CS="$DIR/node_modules/code-server"
# 2. VS Code's own production dependencies (what the postinstall script would do), scripts off first.
cd "$CS/lib/vscode"
npm install --omit=dev --ignore-scripts --loglevel=error
#    @vscode/ripgrep: Debian's rg instead of the download (its postinstall exits early when bin/ exists).
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
#    Native modules (node-pty, spdlog, kerberos, watchers...); node-pty's rebuild runs `npx node-gyp`.
npm_config_yes=true npm rebuild --foreground-scripts --loglevel=error >/dev/null
# 3. The links postinstall.sh creates.
rm -rf node_modules.asar; ln -s node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
# 4. Shared dependencies of the built-in extensions.
cd extensions && npm install --omit=dev --loglevel=error
# 5. playwright-core is taken from the project's devDependencies; nothing else to fetch.
touch "$MARKER"
echo "code-server $VERSION installed in $DIR in $(( $(date +%s) - t0 ))s"
