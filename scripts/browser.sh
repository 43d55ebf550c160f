# Finding (or installing) the browser the browser tests drive: Debian's `chromium` and
# `chromium-driver`. Sourced by scripts/test.sh; the caller defines `say`. Run directly
# (`bash scripts/browser.sh`) it only installs and reports.
#
# Sets and exports MUSUBI_CHROMIUM and MUSUBI_CHROMEDRIVER, which the browser tests read
# (they fail with a message naming this script when the programs are missing).

declare -F say >/dev/null || say() { printf '==> %s\n' "$*" >&2; }

# The first of the named programs found (Debian puts both in /usr/bin).
browser_bin() {
  local name
  for name in "$@"; do
    if [[ -x "/usr/bin/$name" ]]; then echo "/usr/bin/$name"; return; fi
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  done
  return 1
}

# On a fresh machine nothing may be installed: as root, install it non-interactively,
# as scripts/postgres.sh does for PostgreSQL.
ensure_browser_installed() {
  if browser_bin chromium chromium-browser >/dev/null &&
    browser_bin chromedriver chromium-driver >/dev/null; then
    return
  fi
  if [[ $EUID -ne 0 ]]; then
    say "chromium and chromedriver not found; install Debian's chromium and chromium-driver (or run this as root)"
    exit 1
  fi
  say "installing chromium and chromium-driver from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null
  # A Japanese font too, or the screenshots show boxes where the text should be.
  apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk \
    </dev/null >/dev/null
  if ! browser_bin chromium >/dev/null || ! browser_bin chromedriver >/dev/null; then
    say "chromium installed, but chromium or chromedriver not found"
    exit 1
  fi
}

ensure_browser_installed
MUSUBI_CHROMIUM=$(browser_bin chromium chromium-browser)
MUSUBI_CHROMEDRIVER=$(browser_bin chromedriver chromium-driver)
export MUSUBI_CHROMIUM MUSUBI_CHROMEDRIVER

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  printf 'chromium: %s (%s)\nchromedriver: %s\n' "$MUSUBI_CHROMIUM" \
    "$("$MUSUBI_CHROMIUM" --version 2>/dev/null)" "$MUSUBI_CHROMEDRIVER"
fi
