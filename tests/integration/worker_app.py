"""The Celery app the test workers run: the portal's own app (`config.celery`), plus two knobs
the fault tests turn through the worker's environment, never through production code:

- CANDOR_TEST_VISIBILITY_TIMEOUT: a short Redis visibility timeout, with the unacked-message
  sweep run every second, so that a killed worker's task is redelivered within the test;
- CANDOR_TEST_ROUTE_DELAY and CANDOR_TEST_ROUTE_STARTED: routing pauses for that many seconds
  inside its transaction (after the roster match, before the rule), having first touched
  the file, so that a test can kill the worker in the middle of a routing task."""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from config.celery import app

if timeout := os.environ.get("CANDOR_TEST_VISIBILITY_TIMEOUT"):
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "visibility_timeout": int(timeout),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }


@worker_process_init.connect
def _slow_routing(**kwargs):
    delay = float(os.environ.get("CANDOR_TEST_ROUTE_DELAY", "0") or 0)
    if not delay:
        return
    import routing.services

    original = routing.services.rule_for
    started = Path(os.environ["CANDOR_TEST_ROUTE_STARTED"])

    def rule_for_slowly(*args, **kwargs):
        started.touch()
        time.sleep(delay)
        return original(*args, **kwargs)

    routing.services.rule_for = rule_for_slowly


__all__ = ["app"]
