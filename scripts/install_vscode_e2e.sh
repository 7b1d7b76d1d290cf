#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs into DIR (default .e2e): code-server (VS Code in
# a browser, the npm package) and Debian's Chromium. Works on a machine that reaches only the
# package registries. Idempotent: a second run with everything in place returns at once.
#
# code-server 4.100.3 is VS Code 1.100.3; later releases need node 22 or newer.
set -euo pipefail
DIR=${1:-.e2e}
CODE_SERVER=4.100.3
RIPGREP=v13.0.0-10 # the ripgrep that @vscode/ripgrep pins for this code-server

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

installed() {
  [ -x "$DIR/node_modules/.bin/code-server" ] && command -v chromium >/dev/null &&
    "$DIR/node_modules/.bin/code-server" --version 2>/dev/null | grep -q "^$CODE_SERVER "
}
if installed; then exit 0; fi

mkdir -p "$DIR"
if ! command -v chromium >/dev/null || ! command -v rg >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  # The browser, ripgrep, and the headers code-server's native modules build against
  # (kerberos, keytar, native-keymap).
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium ripgrep libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev pkg-config \
    build-essential python3 >/dev/null
fi

# @vscode/ripgrep's install step downloads rg from GitHub unless its cache already has the
# archive: seed the cache with Debian's rg.
cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache" "$DIR/rg"
cp "$(command -v rg)" "$DIR/rg/rg"
tar czf "$cache/ripgrep-$RIPGREP-x86_64-unknown-linux-musl.tar.gz" -C "$DIR/rg" rg

cd "$DIR"
[ -f package.json ] || echo '{"private": true}' >package.json
# code-server's install step runs npx (which must not prompt) and refuses to run as root without
# unsafe-perm.
npm_config_yes=true npm_config_unsafe_perm=true \
  npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER" >/dev/null
cd - >/dev/null
installed || { echo "code-server $CODE_SERVER did not install" >&2; exit 1; }
