# Shared by tools/demo and tools/check: packages, build.  Sourced, not run.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${TANDEM_BUILD_DIR:-$TOP/build}

# Everything a fresh Debian 12 machine needs to build Tandem and run its
# tests against real peers.
TANDEM_PACKAGES="
	build-essential autoconf automake libtool pkg-config
	libosmocore-dev libosmo-sigtran-dev libosmo-netif-dev
	libsofia-sip-ua-dev libsofia-sip-ua-glib-dev libglib2.0-dev
	libbcg729-dev libpq-dev libjansson-dev check
	python3 sip-tester tshark netcat-openbsd
	osmo-stp osmo-mgw postgresql clang libclang-rt-14-dev
"

log() { printf '\n==> %s\n' "$*"; }

install_packages() {
	local missing=() p
	for p in $TANDEM_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "tools: run as root to install packages: ${missing[*]}" >&2
		return 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer it up front.
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build [configure flags...]: autotools build in $BUILD.
build() {
	cd "$TOP"
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
		log "autoreconf"
		autoreconf -fi
	fi
	mkdir -p "$BUILD"
	cd "$BUILD"
	if [ ! -f Makefile ] || [ "$(cat .tandem-flags 2>/dev/null)" != "$*" ]; then
		log "configure $*"
		"$TOP/configure" "$@"
		# Objects built with other flags (sanitizers) must not be mixed in.
		make clean >/dev/null
		echo "$*" > .tandem-flags
	fi
	log "make"
	make -j"$(nproc)"
}
