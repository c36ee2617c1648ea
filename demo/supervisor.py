"""Keeps `make run`'s processes running, as docker-compose's restart policy does in production:
a worker or beat that exits (a crash, an out-of-memory kill, a person's `kill`) is started
again at once, so that work resumes without anyone noticing. One that keeps dying right after
it starts waits a little longer each time instead of spinning. A child that is not meant to be
restarted (the web server: a port already in use will not free itself) stops everything."""

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

# A child that ran at least this long had been working: start it again at once.
STEADY_SECONDS = 10.0
# Waits between quick deaths: 1, 2, 4 … seconds, at most this.
MAX_BACKOFF_SECONDS = 30.0


@dataclass
class Child:
    name: str
    command: list[str]
    restart: bool = True
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    start_at: float | None = None  # when a waiting restart is due
    spawns: int = 0

    @property
    def restarts(self) -> int:
        return max(0, self.spawns - 1)


class Supervisor:
    def __init__(
        self,
        children: list[Child],
        *,
        log: TextIO | None = None,
        env: dict[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.children = {child.name: child for child in children}
        self.log = log or sys.stderr
        self.env = env  # the children's environment; None: this process's
        self.clock = clock

    def start(self) -> None:
        for child in self.children.values():
            self._spawn(child)

    def poll(self) -> Child | None:
        """Restart what exited and may be restarted; returns a child that exited and may not
        (the caller then stops everything), else None."""
        now = self.clock()
        for child in self.children.values():
            if child.process is None:
                if child.start_at is not None and now >= child.start_at:
                    self._spawn(child)
                continue
            code = child.process.poll()
            if code is None:
                continue
            if not child.restart:
                return child
            child.process = None
            if now - child.started_at >= STEADY_SECONDS:
                child.quick_deaths = 0
                wait = 0.0
            else:
                wait = min(MAX_BACKOFF_SECONDS, 2.0**child.quick_deaths)
                child.quick_deaths += 1
            self.log.write(
                f"{child.name} stopped (exit {code}); starting it again"
                + (f" in {wait:.0f} s\n" if wait else "\n")
            )
            self.log.flush()
            child.start_at = now + wait
            if not wait:
                self._spawn(child)
        return None

    def stop(self, *, timeout: float = 15) -> None:
        """SIGTERM every child, then SIGKILL what has not stopped after `timeout` seconds."""
        running = [c.process for c in self.children.values() if c.process is not None]
        for process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _spawn(self, child: Child) -> None:
        child.spawns += 1
        child.process = subprocess.Popen(child.command, env=self.env)  # noqa: S603 - our own
        child.started_at = self.clock()
        child.start_at = None
