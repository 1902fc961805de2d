#!/usr/bin/env bash
# The extension in real editors, against what dist/ holds (run `npm run package` first; this builds nothing):
#   1. code-server (VS Code 1.100.3) + chromium: the packaged .vsix, driven by the keyboard (e2e/run.mjs)
#   2. the test/vscode extension-host suite, run in code-server's extension host (e2e/host-suite.mjs)
#   3. Neovim 0.7 headless (test/nvim/run.sh)
#   4. Emacs 28 + eglot 1.9 in --batch (test/emacs/run.sh)
# It installs what is missing first: Debian packages (needs root), the ripgrep cache code-server's install
# needs offline, and e2e/node_modules (npm ci). See /work/shared/notes/editor-testing.md.
#
#   bash scripts/e2e.sh [--screenshot]          # --screenshot: write docs/images/quickfix.png (suite 1)
#   E2E_SUITES="code-server nvim" bash scripts/e2e.sh   # a subset (code-server, host, nvim, emacs)
#   E2E_FORCE_NPM_CI=1 ...                     # run npm ci in e2e/ even when node_modules matches the lockfile
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
VSIX=$root/dist/iothub-security-baseline.vsix
SUITES=${E2E_SUITES:-code-server host nvim emacs}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
die() { echo "e2e: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

# ---- prerequisites -------------------------------------------------------------------------------------------
t=$(now)
[ -f "$VSIX" ] || die "no extension package at dist/iothub-security-baseline.vsix: run \`npm run package\` first"
[ -f dist/server.js ] && [ -f dist/extension.js ] || die "dist/server.js or dist/extension.js is missing: run \`npm run package\` first"
# Suite 1 tests the .vsix, the others dist/*.js: say so when they are not from the same build.
if [ dist/server.js -nt "$VSIX" ]; then
  echo "e2e: note: dist/iothub-security-baseline.vsix is older than dist/server.js (run \`npm run package\` to test one build everywhere)"
fi

pkgs=(chromium libkrb5-dev pkg-config ripgrep neovim emacs-nox elpa-eglot)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e: installing Debian packages: ${missing[*]}"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null || die "apt-get update failed"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi

# code-server 4.100.3 pulls @vscode/ripgrep 1.15.11, whose postinstall downloads rg from GitHub unless this
# cached asset exists: seed it with Debian's rg.
rgcache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
rgtar="$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$rgtar" ]; then
  mkdir -p "$rgcache" && stage=$(mktemp -d) && cp /usr/bin/rg "$stage/rg" && tar czf "$rgtar" -C "$stage" rg && rm -rf "$stage" \
    || die "could not seed the ripgrep cache at $rgtar"
fi

# e2e/node_modules: npm ci unless it was installed from this very lockfile (a stamp written after npm ci).
stamp=e2e/node_modules/.e2e-lock-stamp
lockhash() { cat e2e/package-lock.json 2>/dev/null || cat e2e/package.json; }
want=$(lockhash | sha256sum | cut -d' ' -f1)
if [ -n "${E2E_FORCE_NPM_CI:-}" ] || [ ! -x e2e/node_modules/.bin/code-server ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  cmd=ci; [ -f e2e/package-lock.json ] || cmd=install
  echo "e2e: npm $cmd in e2e/ (code-server 4.100.3, playwright-core; about a minute)"
  # npm_config_yes: node-pty's postinstall runs `npx node-gyp`; --unsafe-perm: the postinstall asks for it as root.
  (cd e2e && npm_config_yes=true npm "$cmd" --unsafe-perm --no-audit --no-fund >"${TMPDIR:-/tmp}/e2e-npm-$$.log" 2>&1) \
    || { tail -n 20 "${TMPDIR:-/tmp}/e2e-npm-$$.log" >&2; rm -f "${TMPDIR:-/tmp}/e2e-npm-$$.log"; die "npm $cmd in e2e/ failed"; }
  rm -f "${TMPDIR:-/tmp}/e2e-npm-$$.log"
  want=$(lockhash | sha256sum | cut -d' ' -f1)
  echo "$want" > "$stamp"
fi
echo "e2e: prerequisites ready in $(since "$t")"

# ---- suites ----------------------------------------------------------------------------------------------------
results=()
failed=0 passed=0
run_suite() { # name, command...
  local name=$1; shift
  local t0 rc out
  echo
  echo "=== $name"
  t0=$(now)
  "$@"
  rc=$?
  local took; took=$(since "$t0")
  if [ $rc -eq 0 ]; then passed=$((passed + 1)); results+=("PASS  $name  ($took)"); else failed=$((failed + 1)); results+=("FAIL  $name  ($took, exit $rc)"); fi
}

for s in $SUITES; do
  case $s in
    code-server) run_suite "code-server + chromium, packaged .vsix (e2e/run.mjs)" timeout -k 10 300 node e2e/run.mjs --vsix "$VSIX" --timeout 240 "$@" ;;
    host) run_suite "test/vscode suite in code-server's extension host (e2e/host-suite.mjs)" timeout -k 10 240 node e2e/host-suite.mjs --timeout 180 ;;
    nvim) run_suite "Neovim $(nvim --version | head -n 1 | cut -d' ' -f2) headless (test/nvim/run.sh)" timeout -k 10 180 bash test/nvim/run.sh dist/server.js ;;
    emacs) run_suite "Emacs $(emacs --version | head -n 1 | cut -d' ' -f3) + eglot (test/emacs/run.sh)" timeout -k 10 180 bash test/emacs/run.sh dist/server.js ;;
    *) die "unknown suite '$s' (code-server, host, nvim, emacs)" ;;
  esac
done

echo
echo "=== editor suites"
printf '%s\n' "${results[@]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
