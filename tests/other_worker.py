"""What another web worker reads before and after a change made here: a thread of its
own, so its own database connection and its own figures kept by the change tokens
(psp_portal/change_tokens.py keeps them per thread)."""

import threading

from django.db import connections

WAIT_S = 10


def read_around(read, change) -> list:
    """[read() in the other thread, change() here, read() there again]: both reads."""
    asked, answered, results, errors = threading.Event(), threading.Event(), [], []

    def worker():
        try:
            results.append(read())
            answered.set()
            assert asked.wait(WAIT_S)
            results.append(read())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            answered.set()
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    assert answered.wait(WAIT_S)
    try:
        change()
    finally:
        asked.set()
        thread.join(WAIT_S)
    assert not thread.is_alive() and errors == []
    return results
