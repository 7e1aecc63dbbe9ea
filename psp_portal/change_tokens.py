"""Figures a page would recompute on every request, kept in each process under a change
token: a random value in the database that every committed write to their inputs
replaces.

A page reads the token (one row by its key, well under a millisecond) instead of
reading or counting the inputs, and computes the figures again only when the token has
moved. Nothing is served stale once a write is committed and its on-commit hook has run: a new
token is a new key, and what was kept under the old one is not read again. Figures
computed while a write was committing are kept under the token read before them, which
that commit then replaces. A transaction that has written inputs and not committed
computes the figures itself, so it sees its own writes (the token only moves on commit).
A hook can be lost: Django drops the hooks after one that raises, and a worker can be
killed between COMMIT and its hooks. So nothing is kept longer than MAX_AGE_S either,
which bounds what such a loss (or a write without signals) can leave.

What replaces a token: saving or deleting an instance of an input model (receivers this
module connects, so forms, services, the admin and cascades all count), and
`changed()`, which code that writes without model signals (bulk_create, update())
must call. Each process keeps the figures of the latest token only.

    ENGAGEMENTS = ChangeToken(EngagementsToken, inputs=[Engagement])
    figures = ENGAGEMENTS.kept(("year", 2026), lambda: count_them(2026))
"""

import threading
import time
import uuid

from django.db import connections, router, transaction
from django.db.models.signals import post_delete, post_save

TOKEN_ROW = 1
# Figures kept under one token, at most (a page keeps one per filter in use).
MAX_KEPT = 32
# Seconds after which kept figures are computed again, whatever the token.
MAX_AGE_S = 300


class ChangeToken:
    """The token in `model`'s one row (a `token` UUIDField), moved by writes to `inputs`."""

    def __init__(self, model, *, inputs):
        self.model = model
        self.inputs = tuple(inputs)
        # Kept per thread (one per gunicorn sync worker process): no lock needed.
        self._kept = threading.local()
        for sender in self.inputs:
            uid = f"change_token:{model._meta.label}:{sender._meta.label}"
            post_save.connect(self._written, sender=sender, dispatch_uid=f"{uid}:save")
            post_delete.connect(self._written, sender=sender, dispatch_uid=f"{uid}:delete")

    def _written(self, sender, **kwargs) -> None:
        self.changed()

    def _connection(self):
        return connections[router.db_for_write(self.model)]

    def _replace(self) -> None:
        token = uuid.uuid4()
        if not self.model.objects.filter(pk=TOKEN_ROW).update(token=token):
            self.model.objects.get_or_create(pk=TOKEN_ROW, defaults={"token": token})

    def _pending(self, connection) -> bool:
        """Whether the open transaction has written inputs (its token is still to move)."""
        return connection.in_atomic_block and any(
            func == self._replace for _sids, func, _robust in connection.run_on_commit
        )

    def changed(self) -> None:
        """Replace the token once the open transaction commits (at once outside one)."""
        connection = self._connection()
        if not self._pending(connection):
            # robust: the write is committed whatever happens here, so a failure is
            # logged (the figures then wait for the next write, or MAX_AGE_S) rather
            # than raised.
            transaction.on_commit(self._replace, using=connection.alias, robust=True)

    def kept(self, key, compute):
        """`compute()`'s result as kept under the current token and `key` (hashable)."""
        connection = self._connection()
        if self._pending(connection):
            return compute()
        token = self.model.objects.filter(pk=TOKEN_ROW).values_list("token", flat=True).first()
        if token is None:  # the row is gone (a flushed test database): nothing to key by
            return compute()
        now = time.monotonic()
        if (
            getattr(self._kept, "token", None) != (connection.alias, token)
            or now - self._kept.since > MAX_AGE_S
        ):
            self._kept.token, self._kept.values = (connection.alias, token), {}
            self._kept.since = now
        if key not in self._kept.values:
            if len(self._kept.values) >= MAX_KEPT:
                self._kept.values.clear()
            self._kept.values[key] = compute()
        return self._kept.values[key]

    def forget(self) -> None:
        """Drop this thread's kept figures (tests start each from none)."""
        self._kept.__dict__.clear()
