#!/usr/bin/env python3
"""Writes the ISUP fuzz seed corpus (tests/fuzz/corpus/isup).

Byte 0 of each seed selects the variant (low nibble: 0 ITU, 1 ANSI,
2 China) and 0x10 = a CIC leads the message; the rest is the message.
"""
import os
import sys


def msg(mtype, fixed=b"", var=(), opt=None):
    """Lay out [type][fixed][pointers][variable][optional...][0]."""
    nptr = len(var) + (1 if opt is not None else 0)
    out = bytes([mtype]) + fixed
    body = b""
    ptrs = []
    for i, v in enumerate(var):
        ptrs.append(nptr - i + len(body))
        body += bytes([len(v)]) + v
    if opt is not None:
        if opt:
            ptrs.append(1 + len(body))
            body += b"".join(bytes([c, len(d)]) + d for c, d in opt) + b"\x00"
        else:
            ptrs.append(0)
    return out + bytes(ptrs) + body


CDPN = bytes([0x83, 0x10, 0x21, 0x43, 0x05])            # national, E.164, 12345
CGPN = bytes([0x83, 0x13, 0x55, 0x15, 0x32, 0x04])      # national, 5551234, network provided
CAUSE_16 = bytes([0x8a, 0x90])
SEEDS = {
    "itu_iam": (0x00, msg(0x01, bytes([0x00, 0x20, 0x01, 0x0a, 0x00]), [CDPN],
                          [(0x0a, CGPN), (0x3d, b"\x1f"), (0xfe, b"\xaa\xbb")])),
    "itu_iam_cic": (0x10, b"\x01\x00" + msg(0x01, bytes([0x00, 0x20, 0x01, 0x0a, 0x00]), [CDPN], [])),
    "itu_sam": (0x00, msg(0x02, b"", [bytes([0x80, 0x21, 0x0f])], [])),
    "itu_acm": (0x00, msg(0x06, bytes([0x16, 0x14]), [], [(0x29, b"\x01")])),
    "itu_cpg": (0x00, msg(0x2c, bytes([0x01]), [], [])),
    "itu_anm": (0x00, msg(0x09, b"", [], [])),
    "itu_con": (0x00, msg(0x07, bytes([0x16, 0x14]), [], [])),
    "itu_rel": (0x10, b"\x05\x00" + msg(0x0c, b"", [CAUSE_16], [])),
    "itu_rel_diag": (0x00, msg(0x0c, b"", [bytes([0x85, 0xa2, 0x0a])], [(0x31, b"\x00\x10")])),
    "itu_rlc": (0x00, msg(0x10, b"", [], [])),
    "itu_grs": (0x10, b"\x01\x00" + msg(0x17, b"", [b"\x1f"])),
    "itu_gra": (0x00, msg(0x29, b"", [b"\x07\x00"])),
    "itu_cgb": (0x00, msg(0x18, b"\x00", [b"\x07\xff"])),
    "itu_cgba": (0x00, msg(0x1a, b"\x00", [b"\x07\xff"])),
    "itu_blo": (0x10, b"\x0a\x00\x13"),
    "itu_rsc": (0x10, b"\x0a\x00\x12"),
    "itu_cqm": (0x00, msg(0x2a, b"", [b"\x03"])),
    "itu_sus": (0x00, msg(0x0d, b"\x00", [], [])),
    "itu_cfn": (0x00, msg(0x2f, b"", [bytes([0x85, 0xe1, 0x01])], [])),
    "itu_cot": (0x00, bytes([0x05, 0x01])),
    "itu_unknown": (0x00, msg(0xf0, b"", [], [(0x38, b"\x1a")])),
    "ansi_iam": (0x01, msg(0x01, bytes([0x00, 0x20, 0x01, 0x0a]),
                           [bytes([0x80, 0x90, 0xa2]), CDPN], [(0x0a, CGPN)])),
    "ansi_acm": (0x11, b"\x01\x00" + msg(0x06, bytes([0x16, 0x14]), [], [])),
    "china_iam": (0x02, msg(0x01, bytes([0x00, 0x20, 0x01, 0x0a, 0x00]), [CDPN], [(0x0a, CGPN)])),
    "china_rel": (0x12, b"\x07\x00" + msg(0x0c, b"", [CAUSE_16], [])),
}


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "isup")
    os.makedirs(outdir, exist_ok=True)
    for name, (sel, data) in SEEDS.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(bytes([sel]) + data)


if __name__ == "__main__":
    main()
