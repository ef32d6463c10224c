"""Raw localhost servers for faults that an HTTP framework cannot produce: reset, stall and drips."""

from __future__ import annotations

import itertools
import socket
import struct
import threading
import time

ROBOTS_404 = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class RawServer:
    """Accepts connections on 127.0.0.1 and misbehaves as ``mode`` says.

    Slow modes send one byte every ``interval`` seconds and stop by themselves after ``limit_s``
    (or at ``close()``), so a test can never leave a thread running for long:

    - ``status-drip``: the status line (and then an endless header) one byte at a time;
    - ``header-drip``: the status line at once, then header lines without end, one byte at a time;
    - ``body-drip``: status and headers at once (no Content-Length), then the body without end;
    - ``robots-drip``: robots.txt dripped without end; any other path gets ``body`` at once;
    - ``silent``: accepts and says nothing, robots.txt included;
    - ``stall``: robots.txt gets a 404, every other request is held without an answer.

    In the first three modes robots.txt gets a 404 at once, so the drip hits the page itself.
    """

    DRIPS = ("status-drip", "header-drip", "body-drip", "robots-drip", "silent")

    def __init__(self, mode: str, *, interval: float = 1.0, limit_s: float = 60.0, body: bytes = b"ok"):
        self.mode = mode
        self.interval = interval
        self.limit_s = limit_s
        self.body = body
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.accepted = 0
        self.stalled = 0
        self.requests: list[bytes] = []
        self._stop = False
        self._stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            if self.mode == "reset":
                try:
                    conn.recv(65536)
                except OSError:
                    pass
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            elif self.mode == "short":  # promise 1000 bytes, send 10, close
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"hits\": {")
                finally:
                    conn.close()
            elif self.mode == "drip":  # answer, then send the body one byte at a time
                threading.Thread(target=self._drip, args=(conn,), daemon=True).start()
            elif self.mode in self.DRIPS:
                threading.Thread(target=self._slow, args=(conn,), daemon=True).start()
            else:  # stall: answer robots.txt with a 404, hold every other request without an answer
                try:
                    request = conn.recv(65536)
                except OSError:
                    request = b""
                if request.startswith(b"GET /robots.txt"):
                    conn.sendall(ROBOTS_404)
                    conn.close()
                else:
                    self.stalled += 1
                    self.held.append(conn)

    def _drip(self, conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(1000):
                if self._stop:
                    break
                conn.sendall(b"x")
                time.sleep(0.05)
        except OSError:
            pass
        finally:
            conn.close()

    def _slow(self, conn: socket.socket) -> None:
        """One connection of a slow mode; returns by itself after ``limit_s``."""
        try:
            request = conn.recv(65536)
            self.requests.append(request.split(b"\r\n", 1)[0])
            robots = request.startswith(b"GET /robots.txt")
            if self.mode == "silent":
                self._stopped.wait(self.limit_s)
                return
            if robots and self.mode != "robots-drip":
                conn.sendall(ROBOTS_404)
                return
            if self.mode == "robots-drip" and not robots:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(self.body))
                conn.sendall(self.body)
                return
            fast = {
                "status-drip": b"",
                "header-drip": b"HTTP/1.1 200 OK\r\n",
                "body-drip": b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nConnection: close\r\n\r\n",
                "robots-drip": b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n",
            }[self.mode]
            conn.sendall(fast)
            ends = time.monotonic() + self.limit_s
            for byte in self._endless():
                if time.monotonic() > ends or self._stopped.is_set():
                    break
                conn.sendall(bytes([byte]))
                self._stopped.wait(self.interval)
        except OSError:
            pass
        finally:
            conn.close()

    def _endless(self):
        """The bytes a slow mode drips: never a complete answer."""
        if self.mode == "status-drip":
            yield from b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Pad: "
        elif self.mode == "header-drip":
            for number in itertools.count():
                yield from b"X-Drip-%d: 1\r\n" % number
        elif self.mode == "robots-drip":
            yield from b"User-agent: *\n"
        while True:
            yield ord("a")  # an endless header value, body or robots.txt line

    def close(self) -> None:
        self._stop = True
        self._stopped.set()
        for conn in self.held:
            conn.close()
        try:  # closing alone does not wake a thread blocked in accept() on Linux; a shutdown does
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(timeout=5)
