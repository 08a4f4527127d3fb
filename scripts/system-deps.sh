#!/usr/bin/env bash
# Debian packages relance needs at run time: WeasyPrint's Pango/HarfBuzz libraries and fonts
# for PDF letters. Installed only when missing, and only when we may (root with apt-get).
set -euo pipefail

packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core shared-mime-info)
missing=()
if command -v dpkg-query >/dev/null; then
    for package in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
fi
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "warning: missing system packages for PDF rendering: ${missing[*]}" >&2
    echo "         install them with: sudo apt-get install ${missing[*]}" >&2
fi
