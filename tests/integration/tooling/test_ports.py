"""The test bed's port blocks: free, and outside the range the kernel hands out by itself."""
import socket

from testbed.kafka import _ephemeral_range, free_port_block


def test_port_blocks_are_free_and_outside_the_ephemeral_range():
    low, high = _ephemeral_range()
    for _ in range(20):
        base = free_port_block(size=6)
        assert not low <= base <= high and not low <= base + 5 <= high, (base, low, high)
        for port in range(base, base + 6):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", port))  # raises if the port was not free
