#!/usr/bin/env python3
"""A constant one-way delay made in user space, for kernels without sch_netem.

iptables hands packets to NFQUEUE <queue> (with --queue-bypass, so nothing is lost while no one listens); this
process, run in the same network namespace, holds each one for <delay-ms> and then lets it go, in arrival order.
The kernel keeps the packets; only their ids cross the netlink socket. Prints "ready" once bound.

Usage: nfq-delay.py <queue> <delay-ms>
"""
import collections
import errno
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
SOL_NETLINK, NETLINK_NO_ENOBUFS = 270, 5
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLMSG_ERROR = 2
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN = 1, 2, 3
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NFQA_PACKET_HDR, NFQA_VERDICT_HDR = 1, 2
NF_ACCEPT = 1
HEADER = struct.Struct("=IHHII")  # nlmsghdr: length, type, flags, sequence, port id


def attribute(kind, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * (-length % 4)


def send(sock, msg_type, queue, attributes, seq, flags=NLM_F_REQUEST):
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(queue)) + b"".join(attributes)
    sock.send(HEADER.pack(HEADER.size + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg_type, flags, seq, 0) + body)


def configure(sock, queue, attributes, seq, what):
    """Sends one configuration message and fails loudly unless the kernel acknowledged it."""
    send(sock, NFQNL_MSG_CONFIG, queue, attributes, seq, NLM_F_REQUEST | NLM_F_ACK)
    data = sock.recv(65536)
    length, msg_type, _, _, _ = HEADER.unpack_from(data, 0)
    if msg_type == NLMSG_ERROR:
        (error,) = struct.unpack_from("=i", data, HEADER.size)
        if error != 0:
            sys.exit(f"nfq-delay: {what} failed: {errno.errorcode.get(-error, -error)}")


def packet_ids(data):
    """The ids of the queued packets announced in one netlink read (several messages may arrive together)."""
    offset = 0
    while offset + HEADER.size <= len(data):
        length, msg_type, _, _, _ = HEADER.unpack_from(data, offset)
        if length < HEADER.size:
            return
        if msg_type == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
            at = offset + HEADER.size + 4  # after nfgenmsg
            while at + 4 <= offset + length:
                attr_length, kind = struct.unpack_from("=HH", data, at)
                if attr_length < 4:
                    break
                if kind & 0x3FFF == NFQA_PACKET_HDR:
                    yield struct.unpack_from(">I", data, at + 4)[0]
                at += (attr_length + 3) & ~3
        offset += (length + 3) & ~3


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    queue, delay = int(sys.argv[1]), int(sys.argv[2]) / 1000.0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.setsockopt(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1)
    sock.bind((0, 0))
    configure(sock, queue, [attribute(NFQA_CFG_CMD, struct.pack("=BBH", NFQNL_CFG_CMD_BIND, 0, 0))], 1, f"binding queue {queue}")
    configure(sock, queue, [attribute(NFQA_CFG_PARAMS, struct.pack(">IB", 0, NFQNL_COPY_META))], 2, "setting the copy mode")
    configure(sock, queue, [attribute(NFQA_CFG_QUEUE_MAXLEN, struct.pack(">I", 65536))], 3, "setting the queue length")
    print(f"ready: queue {queue}, delay {int(delay * 1000)} ms", flush=True)

    held = collections.deque()  # (release time, packet id), oldest first: one constant delay keeps them in order
    seq = 4
    while True:
        timeout = max(0.0, held[0][0] - time.monotonic()) if held else None
        readable, _, _ = select.select([sock], [], [], timeout)
        if readable:
            arrived = time.monotonic()
            held.extend((arrived + delay, packet_id) for packet_id in packet_ids(sock.recv(1 << 20)))
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, packet_id = held.popleft()
            send(sock, NFQNL_MSG_VERDICT, queue, [attribute(NFQA_VERDICT_HDR, struct.pack(">II", NF_ACCEPT, packet_id))], seq)
            seq += 1


if __name__ == "__main__":
    main()
