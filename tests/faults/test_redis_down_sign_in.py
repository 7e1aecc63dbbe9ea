"""Fault: Redis stops. Sign-in (allauth's throttle and TOTP replay checks use the cache)
keeps working on the database cache, the throttle still counts, and the switch is logged."""

import logging
import time

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from psp_portal import cache as degrading
from tests.factories import UserFactory

from .conftest import report

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
TOO_MANY = "Too many failed login attempts. Try again later."


def degrading_caches(redis_url: str, retry_after: int) -> dict:
    return {
        "default": {
            "BACKEND": "psp_portal.cache.DegradingRedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"FALLBACK": "database", "RETRY_AFTER": retry_after},
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        },
    }


@pytest.fixture(autouse=True)
def _forget_outages():
    degrading._down_until.clear()
    yield
    degrading._down_until.clear()


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_in_works_while_redis_is_down_and_the_throttle_keeps_counting(
    own_redis, client, caplog
):
    user = UserFactory()
    with override_settings(CACHES=degrading_caches(own_redis.url(), retry_after=60)):
        assert sign_in(client, user.email, PASSWORD).status_code == 302
        assert caches["default"]._redis.get("anything", "unset") == "unset"  # Redis really used
        client.logout()

        own_redis.stop()
        caplog.set_level(logging.WARNING, logger="psp_portal.cache")
        started = time.monotonic()
        response = sign_in(client, user.email, PASSWORD)
        first_sign_in = time.monotonic() - started
        assert response.status_code == 302, response.status_code
        assert client.session["_auth_user_id"] == str(user.pk)
        client.logout()
        # The degradation is logged once, not on every call.
        degraded = [r for r in caplog.records if "cache degraded" in r.getMessage()]
        assert len(degraded) == 1
        assert degraded[0].levelno == logging.WARNING

        # The throttle still holds on the fallback: past the per-account limit even the
        # right password is refused (allauth's message, not a 500).
        for _ in range(5):
            assert sign_in(client, user.email, "wrong password").status_code == 200
        response = sign_in(client, user.email, PASSWORD)
        assert response.status_code == 200
        assert TOO_MANY in response.content.decode()
        assert "_auth_user_id" not in client.session
        # Counted in the shared database table, not lost in one process's memory.
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM django_cache")
            assert cursor.fetchone()[0] > 0
        assert cache.degraded
        report(
            "redis-down sign-in",
            lost=0,
            duplicated=0,
            first_sign_in_seconds=f"{first_sign_in:.2f}",
        )
        # A down Redis costs at most one short connect timeout, then none.
        assert first_sign_in < 3


def test_the_cache_returns_to_redis_when_it_is_back(own_redis, caplog):
    with override_settings(CACHES=degrading_caches(own_redis.url(), retry_after=0)):
        caplog.set_level(logging.WARNING, logger="psp_portal.cache")
        with own_redis.down():
            down_at = time.monotonic()
            cache.set("during-outage", "kept in the database", 60)
            assert caches["database"].get("during-outage") == "kept in the database"
        cache.set("after-outage", "in redis", 60)
        recovery = time.monotonic() - down_at
        assert caches["default"]._redis.get("after-outage") == "in redis"
        assert caches["database"].get("after-outage") is None
        messages = [r.getMessage() for r in caplog.records]
        assert any("cache degraded" in m for m in messages)
        assert any("cache recovered" in m for m in messages)
        report("redis-down cache", lost=0, duplicated=0, recovery_seconds=recovery)
