"""Several web worker processes, each listening on a socket of its own (``SO_REUSEPORT``).

uvicorn's own workers share one listening socket, and the worker that wakes first accepts
every connection that is waiting. Measured with two workers and eight keep-alive connections
opened at once, sixty times: one worker took all eight or seven of them in a third of the
tries, and then served on one core while the other idled (the SPARQL benchmark's runs at
exactly 1.00 core). Here each worker listens on a socket of its own, all bound to the same
address with ``SO_REUSEPORT``, and the kernel spreads new connections over them by a hash of
each connection's addresses and ports. Only processes of the same user can join such a group
of sockets (Linux checks the effective user id).

The parent only supervises: it starts the workers, starts a new one on the same socket in
place of any that dies, and on SIGINT, SIGTERM or SIGHUP stops them all (each one's uvicorn
finishes the answers in flight, within its graceful-shutdown time) and then raises the signal
again, as uvicorn does, so the command ends as it would have with one worker.
"""

from __future__ import annotations

import functools
import logging
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn
from uvicorn._subprocess import get_subprocess
from uvicorn.config import STARTUP_FAILURE

from ..errors import ConfigError
from ..executor import how_it_ended

log = logging.getLogger("uvicorn.error")  # uvicorn has set it up: our lines go with its own
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
CHECK_EVERY_S = 0.5
STOP_WAIT_S = 15.0
"""How long stopping waits for workers (their graceful shutdown is 5 s) before killing them."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` that more sockets of this user may bind as well."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _run_worker(config: uvicorn.Config, sockets: list[socket.socket]) -> None:
    server = uvicorn.Server(config)
    server.run(sockets=sockets)
    if not server.started:  # as uvicorn.run ends a single worker whose app failed to start
        sys.exit(STARTUP_FAILURE)


class Workers:
    """``count`` uvicorn workers of ``config``, one listening socket each."""

    def __init__(self, config: uvicorn.Config, count: int) -> None:
        self.config = config
        self.sockets = [listening_socket(config.host, config.port) for _ in range(count)]
        self.processes: list[BaseProcess] = []
        self.signals: list[int] = []

    def _start(self, sock: socket.socket) -> BaseProcess:
        process = get_subprocess(self.config, functools.partial(_run_worker, self.config), [sock])
        process.start()
        return process

    def run(self) -> None:
        """Serve until a stop signal (then raised again once every worker has stopped)."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            self.processes = [self._start(sock) for sock in self.sockets]
            log.info("started %d web workers, each on a socket of its own (SO_REUSEPORT)", len(self.processes))
            while not self.signals:
                time.sleep(CHECK_EVERY_S)
                self._replace_the_dead()
        finally:
            self._stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if self.signals:
            signal.raise_signal(self.signals[0])

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.signals.append(signum)

    def _replace_the_dead(self) -> None:
        for index, process in enumerate(self.processes):
            if process.is_alive() or self.signals:
                continue
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # it would fail again: the app or the setup is broken
                raise ConfigError(f"a web worker failed to start ({how_it_ended(process.exitcode)}); "
                                  "its log above says why")
            log.warning("web worker %s ended (%s); starting another in its place", process.pid,
                        how_it_ended(process.exitcode))
            self.processes[index] = self._start(self.sockets[index])

    def _stop(self) -> None:
        for process in self.processes:
            if process.is_alive() and process.pid is not None:
                process.terminate()
        deadline = time.monotonic() + STOP_WAIT_S
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sock in self.sockets:
            sock.close()
