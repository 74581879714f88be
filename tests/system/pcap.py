"""Minimal pcap writer for test captures: SIP over UDP and M3UA over SCTP.

Checksums are left at zero (tshark does not verify them by default); the
point is to hand our bytes to an independent decoder.
"""
import struct

ETH_IP = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00"


def _ipv4(proto, payload, src="127.0.0.1", dst="127.0.0.1"):
    s = bytes(int(x) for x in src.split("."))
    d = bytes(int(x) for x in dst.split("."))
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0, s, d)
    csum = sum(struct.unpack("!10H", hdr))
    while csum >> 16:
        csum = (csum & 0xFFFF) + (csum >> 16)
    hdr = hdr[:10] + struct.pack("!H", ~csum & 0xFFFF) + hdr[12:]
    return hdr + payload


def udp_frame(payload, sport=5060, dport=5060):
    return ETH_IP + _ipv4(17, struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload)


def _pad4(b):
    return b + b"\x00" * (-len(b) % 4)


def m3ua_data(opc, dpc, si, ni, sls, user_data):
    """An M3UA DATA message carrying one MTP3 user message."""
    pd = struct.pack("!IIBBBB", opc, dpc, si, ni, 0, sls) + user_data
    param = struct.pack("!HH", 0x0210, 4 + len(pd)) + _pad4(pd)
    return struct.pack("!BBBBI", 1, 0, 1, 1, 8 + len(param)) + param


def sctp_frame(payload, ppid=3, stream=1, tsn=1, sport=2905, dport=2905):
    chunk = struct.pack("!BBHIHHI", 0, 0x03, 16 + len(payload), tsn, stream, 0, ppid) + payload
    return ETH_IP + _ipv4(132, struct.pack("!HHII", sport, dport, 1, 0) + _pad4(chunk))


def sip_info(isup_body, content_type="application/ISUP;version=itu-t92+;base=itu-t92+", seq=1):
    head = ("INFO sip:test@127.0.0.1 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKtest%d\r\n"
            "From: <sip:a@127.0.0.1>;tag=1\r\n"
            "To: <sip:b@127.0.0.1>;tag=2\r\n"
            "Call-ID: tshark-%d@127.0.0.1\r\n"
            "CSeq: %d INFO\r\n"
            "Max-Forwards: 70\r\n"
            "Content-Type: %s\r\n"
            "Content-Disposition: signal;handling=required\r\n"
            "Content-Length: %d\r\n\r\n" % (seq, seq, seq, content_type, len(isup_body)))
    return udp_frame(head.encode() + isup_body)


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)))
            f.write(fr)
