"""A bounded HTTP load: a fixed number of keep-alive GETs from several client processes.

The client is a minimal HTTP/1.1 reader over a plain socket rather than ``http.client``: on two
cores the client shares the CPU with the server, and ``http.client`` (which parses every header
block through the ``email`` package) measured ~200 µs of CPU per request here against ~60 µs for
this reader, mostly its two socket calls. That difference would throttle the fast baseline more
than the page under test and flatter the ratio.
Only what the benchmarked servers send is supported: ``Content-Length`` bodies, no chunking.
"""

from __future__ import annotations

import multiprocessing
import queue
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Barrier

HOST = "127.0.0.1"
# A stalled server must fail the run, not hang it.
SOCKET_TIMEOUT_SECONDS = 30.0
LOAD_TIMEOUT_SECONDS = 120.0


class LoadError(RuntimeError):
    """The server answered something other than 200, or broke the protocol."""


@dataclass(frozen=True)
class LoadResult:
    """What one load run achieved."""

    requests: int
    seconds: float
    client_cpu_seconds: float

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds


class KeepAliveClient:
    """One persistent connection that sends GETs and reads whole responses."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.pending = b""

    def get(self, request: bytes) -> bytes:
        """Send a prepared request; return the body of its 200 response.

        A keep-alive connection the server closed while idle is reopened once.
        """
        if self.sock is None:
            self._connect()
        try:
            return self._exchange(request)
        except ConnectionError:
            self.close()
            self._connect()
            return self._exchange(request)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.pending = b""

    def _connect(self) -> None:
        self.sock = socket.create_connection((HOST, self.port), timeout=SOCKET_TIMEOUT_SECONDS)
        # Requests are small and sent whole; Nagle would only add delay.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _exchange(self, request: bytes) -> bytes:
        assert self.sock is not None
        self.sock.sendall(request)
        data = self.pending
        while (end := data.find(b"\r\n\r\n")) < 0:
            data += self._receive()
        head, body = data[:end], data[end + 4 :]
        status = head[9:12]
        length, closes = _parse_head(head)
        while len(body) < length:
            body += self._receive()
        self.pending = body[length:]
        if closes:
            self.close()
        if status != b"200":
            raise LoadError(f"HTTP {status.decode()} for {request.split(b' ', 2)[1].decode()}")
        return body[:length]

    def _receive(self) -> bytes:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("server closed the connection")
        return chunk


def _parse_head(head: bytes) -> tuple[int, bool]:
    """``Content-Length`` and whether the server closes the connection after this response."""
    length = None
    closes = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            closes = value.strip().lower() == b"close"
    if length is None:
        raise LoadError("response without Content-Length")
    return length, closes


def build_request(port: int, path: str, headers: dict[str, str] | None = None) -> bytes:
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    return (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: bench\r\n{extra}\r\n"
    ).encode()


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> str:
    """One request, for checking a page before it is measured."""
    client = KeepAliveClient(port)
    try:
        return client.get(build_request(port, path, headers)).decode()
    finally:
        client.close()


def run_load(
    port: int,
    paths: list[str],
    *,
    requests: int,
    clients: int,
    warmup_per_client: int = 20,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Send ``requests`` GETs over ``clients`` connections, one client process each.

    Each client cycles through ``paths`` from its own offset, so every connection spreads over
    all paths. The clock starts when the last client has connected and warmed up (a barrier) and
    stops when the last one finishes.
    """
    context = multiprocessing.get_context("spawn")  # no inherited engines, threads or sockets
    barrier = context.Barrier(clients)
    results = context.Queue()
    share, extra = divmod(requests, clients)
    processes = [
        context.Process(
            target=_client_main,
            args=(port, paths, share + (number < extra), number, warmup_per_client, barrier),
            kwargs={"results": results, "headers": headers},
            daemon=True,
        )
        for number in range(clients)
    ]
    for process in processes:
        process.start()
    try:
        reports = _collect(results, processes)
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
    failures = [report for report in reports if isinstance(report, str)]
    if failures:
        raise LoadError("; ".join(failures))
    started = min(report[0] for report in reports)
    finished = max(report[1] for report in reports)
    return LoadResult(
        requests=requests,
        seconds=finished - started,
        client_cpu_seconds=sum(report[2] for report in reports),
    )


def _collect(results: Queue, processes: list[BaseProcess]) -> list:
    """Each client's report; fails fast when a client dies without one or the run stalls."""
    reports: list = []
    deadline = time.monotonic() + LOAD_TIMEOUT_SECONDS
    while len(reports) < len(processes):
        try:
            reports.append(results.get(timeout=0.5))
        except queue.Empty:
            if any(process.exitcode not in (None, 0) for process in processes):
                raise LoadError("a load client process died without a report") from None
            if time.monotonic() > deadline:
                raise LoadError(f"load did not finish in {LOAD_TIMEOUT_SECONDS:.0f} s") from None
    return reports


def _client_main(
    port: int,
    paths: list[str],
    count: int,
    offset: int,
    warmup: int,
    barrier: Barrier,
    *,
    results: Queue,
    headers: dict[str, str] | None = None,
) -> None:
    """One client process: warm up, wait for the others, then send ``count`` requests."""
    try:
        prepared = [build_request(port, path, headers) for path in paths]
        client = KeepAliveClient(port)
        for number in range(warmup):
            client.get(prepared[(offset + number) % len(prepared)])
        barrier.wait(timeout=SOCKET_TIMEOUT_SECONDS)
        cpu_started = time.process_time()
        started = time.monotonic()  # CLOCK_MONOTONIC: comparable across processes on Linux
        for number in range(count):
            client.get(prepared[(offset + number) % len(prepared)])
        finished = time.monotonic()
        cpu = time.process_time() - cpu_started
        client.close()
        results.put((started, finished, cpu))
    except Exception as error:  # reported to the parent, which fails the benchmark
        barrier.abort()
        results.put(f"client {offset}: {type(error).__name__}: {error}")
