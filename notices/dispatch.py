"""Handing notices to the broker. The row is the outbox: it is stored `queued` first, and a
publish that fails (broker down) leaves it for the sweeper instead of losing it. The send task
is published by name, so that the rooms which queue notices need not import the worker's code."""

import logging
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from config.celery import app

from .models import Notice

logger = logging.getLogger(__name__)

SEND_TASK = "notices.tasks.send_notice"
# Notices queued together (routing's acknowledgement and alerts, for the submissions routed
# together) travel in one task, sent side by side (notices.tasks.send_notices): one message,
# one delivery and one acknowledgement on the broker, and one read, claim and hand-on in the
# database, instead of one each. A task carries up to BATCH_SIZE emails, every notice of each
# (a complaint's four notices are two emails: its queue's alerts are one email to the members,
# Notice.letter_key), so an email's notices are never split between tasks. Each email is sent
# on a thread of its own, so that the batch takes one EMAIL_TIMEOUT at most (the task's time
# limit counts on it); each thread keeps a database connection, BATCH_SIZE per email worker
# process.
SEND_BATCH_TASK = "notices.tasks.send_notices"
BATCH_SIZE = 16


def notice_dispatch(*, notice_ids: list[int], countdown: float = 0) -> int:
    """Publish the sending of these notices, each an email of its own here, up to BATCH_SIZE
    in one task (one task each when they are to wait `countdown` seconds), and mark those
    published as handed to the broker, in one write; returns how many were published."""
    published = _publish([[pk] for pk in notice_ids], countdown=countdown)
    if published:  # one write for them all
        Notice.objects.filter(pk__in=published).update(dispatched_at=timezone.now(), retry_at=None)
    return len(published)


def notices_dispatch_on_commit(notices: Sequence[Notice | None]) -> None:
    """Publish the send tasks of queued notices once the current transaction commits (at once
    outside a transaction). Pass what notice_queue returned; None entries are skipped.

    A notice written already marked as handed to the broker (`dispatched_at` set, as
    notices_store writes new rows) needs no second write after the publish: only should the
    broker not take it is it unmarked, for the sweeper to take soon. Should the process die
    between commit and publish, the sweeper dispatches it again after
    CANDOR_SWEEP_REDISPATCH_SECONDS, as for a task the broker lost: late, never lost (the same
    rule as intake.outbox.routing_queued_fields). Any other notice is marked once published."""
    present = [notice for notice in notices if notice is not None]
    marked = [notice for notice in present if notice.dispatched_at is not None]
    unmarked = [notice.pk for notice in present if notice.dispatched_at is None]
    if marked:  # an email's notices in one task, where they go as one email
        letters = [[notice.pk for notice in letter] for letter in notice_letters(marked)]
        transaction.on_commit(lambda: _marked_dispatch(letters))
    if unmarked:
        transaction.on_commit(lambda: notice_dispatch(notice_ids=unmarked))


def notice_letters(notices: Sequence[Notice]) -> list[list[Notice]]:
    """The emails these notices go as (Notice.letter_key), in the order of their first notice:
    the notices of a shared kind that say the same thing together, every other notice alone."""
    letters: dict[object, list[Notice]] = {}
    for notice in notices:
        letters.setdefault(notice.letter_key(), []).append(notice)
    return list(letters.values())


def _marked_dispatch(letters: list[list[int]]) -> None:
    published = set(_publish(letters))
    if refused := [pk for letter in letters for pk in letter if pk not in published]:
        Notice.objects.filter(pk__in=refused, state=Notice.State.QUEUED).update(dispatched_at=None)


def _publish(letters: list[list[int]], *, countdown: float = 0) -> list[int]:
    """Publish the send tasks of these emails (each its notices' ids), BATCH_SIZE emails to a
    task (one notice each when they are to wait `countdown` seconds); returns the ids the
    broker took."""
    if countdown:
        letters = [[pk] for letter in letters for pk in letter]
    size = 1 if countdown else BATCH_SIZE
    published: list[int] = []
    for group in (letters[i : i + size] for i in range(0, len(letters), size)):
        batch = [pk for letter in group for pk in letter]
        task, args = (SEND_TASK, [batch[0]]) if len(batch) == 1 else (SEND_BATCH_TASK, [batch])
        try:
            app.send_task(task, args=args, countdown=countdown, retry=True)
        except Exception:
            logger.warning("could not publish notices %s; left queued", batch, exc_info=True)
            continue
        published += batch
    return published
