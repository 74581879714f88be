#!/usr/bin/env bash
# Build and run Tandem's libFuzzer harnesses under ASan and UBSan.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     (default 20 s, all targets)
#
# From make check it runs each target for a bounded time over the seed
# corpus in tests/fuzz/corpus/TARGET.  To fuzz longer, give more seconds,
# e.g. tests/fuzz/run.sh 3600 isup; new inputs go to $FUZZ_OUT (default
# tests/fuzz/out/TARGET in the build dir).  A crash input is kept as
# crash-*; copy it into tests/fuzz/corpus/TARGET so it becomes a
# regression input that every later run replays.
set -euo pipefail

SRC=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BLD=${TOP_BUILDDIR:-$PWD}
SECS=${1:-${FUZZ_SECONDS:-20}}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(isup mgcp sipi h248)

CLANG=${CLANG:-$(command -v clang || true)}
if [ -z "$CLANG" ]; then
	if [ -n "${CI:-}" ]; then echo "fuzz: clang is required in CI" >&2; exit 1; fi
	echo "fuzz: clang not installed, skipping"; exit 77
fi

CFLAGS="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$SRC -I$BLD $(pkg-config --cflags libosmocore talloc jansson)"
LIBS="$(pkg-config --libs libosmocore talloc jansson)"

sources_for() {
	case "$1" in
	isup) ls "$SRC"/isup/isup_*.c ;;
	mgcp) ls "$SRC"/mgcp/mgcp_*.c ;;
	h248) ls "$SRC"/mgcp/h248_*.c ;;
	# the SIP-I body parser also needs Sofia-SIP
	sipi) ls "$SRC"/isup/isup_*.c "$SRC"/isup/sipi_*.c; pkg-config --cflags --libs sofia-sip-ua ;;
	*) echo "fuzz: unknown target $1" >&2; return 1 ;;
	esac
}

fails=0
for t in "${TARGETS[@]}"; do
	out=$BLD/tests/fuzz/out/$t
	mkdir -p "$out"
	bin=$BLD/tests/fuzz/fuzz_$t
	# shellcheck disable=SC2046
	"$CLANG" $CFLAGS -o "$bin" "$SRC/tests/fuzz/fuzz_$t.c" $(sources_for "$t") $LIBS
	echo "fuzz: $t for ${SECS}s"
	if ! "$bin" -max_total_time="$SECS" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="$out/" "$out" "$SRC/tests/fuzz/corpus/$t" 2>"$out/fuzz.log"; then
		tail -40 "$out/fuzz.log"
		fails=$((fails + 1))
	else
		grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$out/fuzz.log" || true
	fi
done
exit $((fails > 0))
