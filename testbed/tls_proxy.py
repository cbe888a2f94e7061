"""A TLS-terminating TCP proxy that requires client certificates (mutual TLS), for tests.

Registries are often deployed behind an ingress or load balancer that terminates TLS and
requires a client certificate (nginx ``ssl_verify_client on``, an Envoy or HAProxy listener).
``MutualTlsProxy`` is that listener on 127.0.0.1: Python's ``ssl`` module (OpenSSL) accepts a
connection only when the client presents a certificate signed by ``cafile``; the bytes of an
accepted connection are relayed unchanged to the upstream server (plain TCP, or TLS when
``upstream_cafile`` is given). It is used in front of the real Apicurio Registry, which cannot
require client certificates itself (see testbed/schema_registry.py).

``peers`` records the subject common name of every accepted client certificate, and
``refused`` the TLS error of every refused handshake, so a test can prove which certificate
was presented. ``stop()`` closes the listener and every relayed connection and joins every
thread it started.
"""
import select
import socket
import ssl
import threading

from testbed.kafka import free_port


class MutualTlsProxy(object):
    def __init__(self, upstream_host, upstream_port, certfile, keyfile, cafile,
                 upstream_cafile=None, host="127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.host = host
        self.port = free_port()
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certfile, keyfile)
        self.context.load_verify_locations(cafile)
        self.context.verify_mode = ssl.CERT_REQUIRED
        self.upstream_context = None
        if upstream_cafile:
            self.upstream_context = ssl.create_default_context(cafile=upstream_cafile)
        self.peers = []
        self.refused = []
        self.upstream_errors = []
        self._lock = threading.Lock()
        self._sockets = set()
        self._threads = []
        self._listener = None
        self._stopping = threading.Event()

    def start(self):
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((self.host, self.port))
        self._listener.listen(16)
        self._listener.settimeout(0.2)
        self._spawn(self._accept_loop)
        return self

    def _spawn(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _track(self, sock):
        with self._lock:
            self._sockets.add(sock)
        return sock

    def _accept_loop(self):
        while not self._stopping.is_set():
            try:
                raw, _address = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self._spawn(self._serve, self._track(raw))

    def _serve(self, raw):
        # handshakes and sends get a minute (a busy 2-core machine runs several JVMs beside the
        # relay); reads never wait (_recv): select() tells when bytes came
        raw.settimeout(60)
        try:
            client = self._track(self.context.wrap_socket(raw, server_side=True))
        except (ssl.SSLError, OSError) as exc:
            with self._lock:
                self.refused.append(str(exc))
            raw.close()
            return
        subject = dict(item[0] for item in client.getpeercert().get("subject", ()))
        with self._lock:
            self.peers.append(subject.get("commonName"))
        try:
            upstream = socket.create_connection(self.upstream, timeout=60)
            if self.upstream_context is not None:
                upstream = self.upstream_context.wrap_socket(upstream,
                                                             server_hostname=self.upstream[0])
            self._track(upstream)
        except OSError as exc:
            with self._lock:
                self.upstream_errors.append(str(exc))
            client.close()
            return
        self._relay(client, upstream)

    @staticmethod
    def _recv(sock):
        """What ``sock`` has now, without waiting: None when nothing readable came yet (part of
        a TLS record, or a record that is not application data: a TLS 1.3 session ticket after
        the handshake). A blocking read there would hold this thread while the other direction
        waits (the client's request unrelayed until it times out)."""
        sock.setblocking(False)
        try:
            return sock.recv(65536)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
            return None
        finally:
            sock.settimeout(60)

    def _relay(self, client, upstream):
        pair = {client: upstream, upstream: client}
        try:
            while not self._stopping.is_set():
                # TLS sockets may hold decrypted bytes that select() does not see
                ready = [s for s in pair if isinstance(s, ssl.SSLSocket) and s.pending()]
                if not ready:
                    ready, _, _ = select.select(list(pair), [], [], 0.2)
                for sock in ready:
                    data = self._recv(sock)
                    if data is None:
                        continue
                    if not data:
                        return
                    pair[sock].sendall(data)
        except OSError:
            return
        finally:
            for sock in pair:
                try:
                    sock.close()
                except OSError:
                    pass

    def stop(self):
        self._stopping.set()
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            sockets, threads = list(self._sockets), list(self._threads)
        for sock in sockets:
            try:
                sock.close()
            except OSError:
                pass
        for thread in threads:
            thread.join(timeout=5)

    @property
    def base_url(self):
        return "https://%s:%d" % (self.host, self.port)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
