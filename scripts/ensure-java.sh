#!/bin/sh
# Install a Java runtime when missing (HermiT, run through owlready2, checks ontology consistency).
set -eu
if command -v java >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing a Java runtime (default-jre-headless) for the ontology consistency test"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
command -v java >/dev/null
