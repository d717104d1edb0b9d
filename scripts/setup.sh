#!/usr/bin/env bash
# Set up everything nnscratch needs, once: the system libraries that pycairo
# and manimpango build against, espeak-ng, a virtual environment, and the
# project in it with its offline voice and its notebook dashboard.
# Sourced by render.sh and test.sh. A second run checks and returns in seconds.
set -euo pipefail

NNSCRATCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${NNSCRATCH_VENV:-$NNSCRATCH_ROOT/.venv}"
# pycairo and manimpango build against cairo and pango; espeak-ng is the fallback voice.
SYSTEM_PACKAGES=(libcairo2-dev libpango1.0-dev pkg-config espeak-ng)
# Only the tests (test.sh sets NNSCRATCH_TESTS=1): the dashboard's browser test drives Debian's chromium
# through its chromium-driver.
if [ "${NNSCRATCH_TESTS:-0}" = 1 ]; then
    SYSTEM_PACKAGES+=(chromium chromium-driver)
fi

install_system_packages() {
    local missing=()
    for package in "${SYSTEM_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "nnscratch setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_project() {
    # The stamp holds a hash of pyproject.toml: reinstall only when it changes.
    local stamp="$VENV/.nnscratch-installed"
    local wanted
    wanted="$(sha256sum "$NNSCRATCH_ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        return 0
    fi
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    echo "nnscratch setup: installing the project into $VENV" >&2
    # pip's own chatter goes to a log, shown only when the install fails.
    local log="$VENV/install.log"
    if ! { "$VENV/bin/python" -m pip install --upgrade pip \
           && "$VENV/bin/python" -m pip install -e "$NNSCRATCH_ROOT[test,voice,notebook]"; } >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        echo "nnscratch setup: installing the project failed; the full log is $log" >&2
        return 1
    fi
    echo "$wanted" > "$stamp"
}

compile_project() {
    # An editable install leaves the project's own modules to be compiled at first import, and
    # never if PYTHONDONTWRITEBYTECODE is set: 0.2 s of every command and still. Up-to-date ones are skipped.
    "$VENV/bin/python" -m compileall -q "$NNSCRATCH_ROOT/nnscratch" "$NNSCRATCH_ROOT/scenes" "$NNSCRATCH_ROOT/cli.py" >/dev/null
}

install_system_packages
install_project
compile_project
export PATH="$VENV/bin:$PATH"
