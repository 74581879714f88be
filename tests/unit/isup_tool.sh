#!/bin/sh
# tandem-isup: decode/encode round trips and error exit codes.
# Run by "make check" from the build directory; exit 0 pass, 1 fail.
# Copyright (C) 2026 Tandem contributors
# SPDX-License-Identifier: GPL-3.0-or-later

TOOL=${TANDEM_ISUP:-${top_builddir:-.}/isup/tandem-isup}
if [ ! -x "$TOOL" ]; then
	echo "isup_tool.sh: $TOOL not built" >&2
	exit 1
fi

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# roundtrip NAME ARGS HEX: decode then encode must give HEX back
roundtrip() {
	name=$1 args=$2 hex=$3
	# shellcheck disable=SC2086
	out=$("$TOOL" decode $args "$hex" | "$TOOL" encode $args)
	if [ "$out" = "$hex" ]; then ok; else bad "$name: got '$out', want '$hex'"; fi
}

IAM=010020010a000208060310214365f70a0783132143658709fe02abcd00
roundtrip "IAM with national parameter 0xfe" "" "$IAM"
roundtrip "IAM with CIC" "--cic" "1f00$IAM"
roundtrip "China IAM with CIC" "--variant china --cic" "ff0f$IAM"
roundtrip "ACM" "" 0616140129010100
roundtrip "REL" "" 0c0200028a91
roundtrip "REL with CIC" "--cic" 05000c0200028a91
roundtrip "GRS" "" 1701011f
roundtrip "GRS with CIC" "--cic" 01001701011f
roundtrip "CQR" "" 2b0203010708010101010101010101
roundtrip "ANSI IAM" "--variant ansi" 010020010a03060c038090a2060310214365070a050313214365eb05031021436500
roundtrip "ANSI CVR" "--variant ansi --cic" 0100eb010200
roundtrip "unknown message with compatibility info" "" 500138018a00
roundtrip "non-canonical layout" "" 0c0300ff028090
roundtrip "trailing octets" "" 0c020002809000
roundtrip "empty optional part" "" 0616140100

# the decoded JSON carries the stable field names
json=$("$TOOL" decode "$IAM")
for key in '"name": "IAM"' '"type": 1' '"digits": "1234567F"' '"code": 254' '"raw": "abcd"' \
	'"part": "optional"' '"name": "Called party number"'; do
	case $json in
	*"$key"*) ok ;;
	*) bad "decode output lacks $key" ;;
	esac
done
case $("$TOOL" decode --cic 05000c0200028a91) in
*'"cic": 5'*'"location": 10'*'"value": 17'*) ok ;;
*) bad "REL cic/cause fields" ;;
esac

# typed fields are used when raw is absent
out=$(printf '%s' '{"type":12,"params":[{"code":18,"fields":{"location":10,"value":17}}]}' | "$TOOL" encode)
if [ "$out" = 0c0200028a91 ]; then ok; else bad "encode from fields: '$out'"; fi
out=$("$TOOL" decode 0x0c0200028a91 | "$TOOL" encode)
if [ "$out" = 0c0200028a91 ]; then ok; else bad "0x prefix: '$out'"; fi
"$TOOL" decode 0c0 2>&1 >/dev/null | grep -q "odd number of hex digits" && ok || bad "odd hex message"
"$TOOL" decode 0c0z 2>&1 >/dev/null | grep -q "only hex digits" && ok || bad "bad hex char message"
out=$(printf '%s' '{"name":"IAM","params":[{"code":6,"raw":"00"},{"code":7,"raw":"2001"},{"code":9,"raw":"0a"},{"code":2,"raw":"00"},{"code":4,"fields":{"nai":3,"npi":1,"digits":"1234567F"}}]}' | "$TOOL" encode)
if [ "$out" = 010020010a000200060310214365f7 ]; then ok; else bad "IAM from fields: '$out'"; fi

# errors: clear message on stderr, exit status 1
expect_fail() {
	name=$1
	shift
	if "$@" >/dev/null 2>/tmp/isup_tool.err.$$; then
		bad "$name: exit 0"
	elif [ ! -s /tmp/isup_tool.err.$$ ]; then
		bad "$name: no message on stderr"
	else
		ok
	fi
}
expect_fail "bad hex" "$TOOL" decode 0c0
expect_fail "bad hex char" "$TOOL" decode zz
expect_fail "truncated IAM" "$TOOL" decode 010020010a00
expect_fail "pointer out of range" "$TOOL" decode 0c0f00028a91
expect_fail "length overflow" "$TOOL" decode 0c020009
expect_fail "strict unknown" "$TOOL" decode --strict ff00
expect_fail "bad variant" "$TOOL" decode --variant japan 0c0200028a91
expect_fail "unknown command" "$TOOL" frob
expect_fail "bad JSON" sh -c "echo '{' | '$TOOL' encode"
expect_fail "missing mandatory" sh -c "echo '{\"type\":12,\"params\":[]}' | '$TOOL' encode"
expect_fail "cic required" sh -c "echo '{\"type\":19}' | '$TOOL' encode --cic"
rm -f /tmp/isup_tool.err.$$
if "$TOOL" -h >/dev/null; then ok; else bad "-h"; fi

echo "isup_tool: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
