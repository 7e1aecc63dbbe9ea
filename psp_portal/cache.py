"""A Redis cache that keeps working when Redis does not answer.

Sign-in throttling (allauth's rate limits) and TOTP replay checks keep their
counters in the default cache. With plain RedisCache, a Redis outage turns
every sign-in into a 500 while pages and submissions (database only) still
work. This backend sends each call to Redis and, when Redis is unreachable,
to a fallback cache (the database cache table, which every web machine shares,
so throttling still counts across machines). After a failure it stops trying
Redis for RETRY_AFTER seconds, so a request pays the connect timeout at most
once per interval, and it logs each switch (down, then back) once per process.

Counters written to the fallback during an outage are not copied back: when
Redis returns, throttling restarts from Redis's own counters. That errs on the
side of letting people sign in, and the log says when it happened.

    CACHES = {
        "default": {
            "BACKEND": "psp_portal.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"FALLBACK": "database", "RETRY_AFTER": 30, "socket_connect_timeout": 0.5},
        },
        "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", ...},
    }
"""

import logging
import threading
import time

import redis.exceptions
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("psp_portal.cache")

# What an unreachable or overloaded Redis raises (a refused socket is an OSError).
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)

# Per process, per location: monotonic time until which Redis is not tried.
# Cache objects are per thread (django.core.cache.caches), so the state lives here.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class DegradingRedisCache(BaseCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self._fallback_alias = options.pop("FALLBACK", "database")
        self._retry_after = float(options.pop("RETRY_AFTER", 30))
        # A down Redis must cost well under a second, not the OS's connect timeout.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1)
        super().__init__(params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self._redis = RedisCache(server, {**params, "OPTIONS": options})

    # -- the switch ---------------------------------------------------------
    @property
    def degraded(self) -> bool:
        return time.monotonic() < _down_until.get(self._location, 0.0)

    def _fallback(self) -> BaseCache:
        return caches[self._fallback_alias]

    def _call(self, name, *args, **kwargs):
        if not self.degraded:
            try:
                result = getattr(self._redis, name)(*args, **kwargs)
            except UNREACHABLE as exc:
                self._mark_down(exc)
            else:
                self._mark_up()
                return result
        return getattr(self._fallback(), name)(*args, **kwargs)

    def _mark_down(self, exc: BaseException) -> None:
        with _lock:
            was_down = self._location in _down_until
            _down_until[self._location] = time.monotonic() + self._retry_after
        if not was_down:
            logger.warning(
                "cache degraded: Redis unreachable (%s: %s); using the %r cache, "
                "retrying Redis every %.0f s",
                type(exc).__name__,
                exc,
                self._fallback_alias,
                self._retry_after,
                extra={"event": "cache_degraded", "fallback": self._fallback_alias},
            )

    def _mark_up(self) -> None:
        if self._location not in _down_until:
            return
        with _lock:
            recovered = _down_until.pop(self._location, None) is not None
        if recovered:
            logger.warning(
                "cache recovered: Redis answers again; the %r cache is no longer used",
                self._fallback_alias,
                extra={"event": "cache_recovered"},
            )

    # -- the cache API, delegated ------------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, **self._timeout(timeout), version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, **self._timeout(timeout), version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, **self._timeout(timeout), version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, **self._timeout(timeout), version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta, version=version)

    def clear(self):
        return self._call("clear")

    def close(self, **kwargs):
        self._redis.close(**kwargs)

    @staticmethod
    def _timeout(timeout) -> dict:
        # Leave the default to each backend (its own TIMEOUT) unless one was given.
        return {} if timeout is DEFAULT_TIMEOUT else {"timeout": timeout}
