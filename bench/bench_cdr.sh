#!/bin/sh
# Run bench_cdr against a private PostgreSQL cluster (tools/pg.sh) that is
# started for the run and stopped afterwards.  Usage: bench_cdr.sh BINARY [ARGS]
set -e
bin=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(pwd)/bench/pg-cdr
db=$("$top/tools/pg.sh" start "$dir")
trap '"$top/tools/pg.sh" stop "$dir" fast' EXIT
"$bin" -d "$db" "$@"
