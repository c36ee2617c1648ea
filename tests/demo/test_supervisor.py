"""`make run` keeps its worker and beat running: real child processes, killed for real."""

import io
import os
import signal
import sys
import time

import pytest

from demo.supervisor import Child, Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
FAILER = [sys.executable, "-c", "raise SystemExit(3)"]


def poll_until(supervisor, predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stopped = supervisor.poll()
        if predicate(stopped):
            return stopped
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def supervised():
    supervisors = []

    def make(children):
        supervisor = Supervisor(children, log=io.StringIO())
        supervisor.start()
        supervisors.append(supervisor)
        return supervisor

    yield make
    for supervisor in supervisors:
        supervisor.stop(timeout=5)


def test_a_worker_killed_is_started_again_at_once(supervised):
    supervisor = supervised([Child("worker", SLEEPER), Child("beat", SLEEPER)])
    worker = supervisor.children["worker"]
    first_pid = worker.process.pid
    # It had been running a while: no waiting before the restart.
    worker.started_at -= 60
    os.kill(first_pid, signal.SIGKILL)
    poll_until(supervisor, lambda _: worker.process is not None and worker.process.pid != first_pid)
    assert worker.process.poll() is None and worker.restarts == 1
    assert supervisor.children["beat"].restarts == 0
    assert "worker stopped (exit -9); starting it again\n" in supervisor.log.getvalue()


def test_a_child_that_keeps_dying_at_start_waits_longer_each_time(supervised):
    supervisor = supervised([Child("beat", FAILER)])
    beat = supervisor.children["beat"]
    poll_until(supervisor, lambda _: beat.restarts >= 2, timeout=15)
    log = supervisor.log.getvalue()
    assert "starting it again in 1 s" in log and "starting it again in 2 s" in log


def test_the_web_server_stopping_stops_everything(supervised):
    supervisor = supervised([Child("web", FAILER, restart=False), Child("worker", SLEEPER)])
    stopped = poll_until(supervisor, lambda stopped: stopped is not None)
    assert stopped.name == "web" and stopped.process.returncode == 3
    worker = supervisor.children["worker"].process
    supervisor.stop(timeout=5)
    assert worker.poll() is not None
