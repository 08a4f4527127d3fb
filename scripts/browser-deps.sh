#!/usr/bin/env bash
# The browser the UI tests drive: Debian's chromium, installed when missing and when we may
# (root with apt-get). Without it the browser tests skip and say why; in CI they must run.
set -euo pipefail

if command -v chromium >/dev/null || [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium for the browser tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
else
    echo "warning: chromium is missing; the browser tests will be skipped" >&2
    echo "         install it with: sudo apt-get install chromium" >&2
fi
