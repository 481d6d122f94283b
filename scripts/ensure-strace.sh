#!/bin/sh
# Install strace when missing (tests/test_kg_commit.py kills a build at each of its write
# boundaries with `strace --inject`).
set -eu
if command -v strace >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing strace for the kill-at-every-write-boundary test"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends strace >/dev/null
command -v strace >/dev/null
