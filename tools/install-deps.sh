#!/bin/sh
# Install every package the build, the tests and the benchmarks need, on
# Debian 12 or Ubuntu: the lists are .ci/packages/*.txt (one per line).
set -e
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "install-deps: run as root (apt)"; exit 1; }
pkgs=$(cat .ci/packages/*.txt | sed 's/#.*//' | tr -s ' \t\n' '\n' | sort -u | tr '\n' ' ')
export DEBIAN_FRONTEND=noninteractive
if [ -z "${CAPPSULE_NO_APT_UPDATE:-}" ]; then
	apt-get update -q >/dev/null
fi
echo "install-deps: $(echo $pkgs | wc -w) packages"
apt-get install -y -q --no-install-recommends $pkgs >/dev/null
