#!/usr/bin/env bash
# Install Virtuoso 7 (Debian package virtuoso-opensource-7-bin) when virtuoso-t is missing.
# Used by `make test` before the conformance suite; harmless when Virtuoso is already there.
# The package's own service is never started: the tests run virtuoso-t with their own
# virtuoso.ini in a temporary folder, bound to 127.0.0.1.
set -euo pipefail

if command -v virtuoso-t >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "installing Virtuoso 7 (virtuoso-opensource-7-bin) for the triplestore conformance tests"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-install-recommends keeps out the packaged service and its default database;
# policy-rc.d stops any maintainer script from starting a daemon.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  REMOVE_POLICY=1
fi
$SUDO apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin >/dev/null
if [ "${REMOVE_POLICY:-0}" = 1 ]; then
  $SUDO rm -f /usr/sbin/policy-rc.d
fi
command -v virtuoso-t >/dev/null
echo "virtuoso-t: $(command -v virtuoso-t)"
