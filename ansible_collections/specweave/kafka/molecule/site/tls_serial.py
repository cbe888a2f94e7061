# -*- coding: utf-8 -*-
# Reads one JSON object on stdin (addresses: ["host:port", ...], cafile, certfile, keyfile), opens a
# verified TLS connection to each address with that client certificate (the listeners require
# one) and prints one JSON object: address -> serial number (hex) of the certificate served.
from __future__ import absolute_import, division, print_function

import json
import socket
import ssl
import sys

__metaclass__ = type


def served_serial(address, context):
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return tls.getpeercert()["serialNumber"].upper()


def main():
    spec = json.load(sys.stdin)
    context = ssl.create_default_context(cafile=spec["cafile"])
    context.load_cert_chain(spec["certfile"], spec["keyfile"])
    print(json.dumps({address: served_serial(address, context) for address in spec["addresses"]}))


if __name__ == "__main__":
    main()
