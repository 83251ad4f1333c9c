#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages credledger builds and tests with, when any is
# missing.  Idempotent: with everything present it installs nothing.
# `deps.sh build`: only what building the binaries and the package takes
# (deploy/package.sh, the container image), not the fuzzing and memory
# checking tools.
set -euo pipefail

pkgs=(build-essential cmake pkg-config
      libuv1-dev libsodium-dev liblmdb-dev libmsgpack-dev libcriterion-dev
      libjansson-dev libinih-dev libhttp-parser-dev)
[ "${1:-}" = build ] || pkgs+=(clang libclang-rt-14-dev valgrind)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "deps.sh: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	}
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
