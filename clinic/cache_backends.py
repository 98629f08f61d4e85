"""A Redis cache that a dead, slow or full Redis cannot turn into an error page.

Django's RedisCache raises whatever the client raises. Here every call is guarded:

- With `FAIL_SOFT: True` (the page and free-time cache) a failure reads as a miss and a write
  is dropped, so pages are computed and served uncached.
- With `FAIL_SOFT: False` (the rate-limit cache) a failure raises `CacheUnavailable`, so the
  caller can fall back to something else (clinic/ratelimit.py counts per process).

After a connection failure the cache is not tried again for `RETRY_SECONDS`: a Redis that
does not answer costs one request its short socket timeout, not every request. Each outage is
logged once per process, at WARNING, and its end at INFO.
"""

import functools
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


class CacheUnavailable(Exception):
    """The cache could not be reached or refused the write (raised when not fail-soft)."""


def _guarded(default):
    """Run a cache method; on a Redis error, return `default` or raise CacheUnavailable."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._down_until:
                return self._failed(None, default)
            try:
                result = method(self, *args, **kwargs)
            except RedisError as error:
                return self._failed(error, default)
            self._recovered()
            return result

        return wrapper

    return decorator


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.fail_soft = params.get("FAIL_SOFT", True)
        self._down_until = 0.0
        self._warned = False

    def _failed(self, error: RedisError | None, default):
        if isinstance(error, RedisConnectionError | RedisTimeoutError):
            # Unreachable or too slow: stop asking for a while.
            self._down_until = time.monotonic() + RETRY_SECONDS
        if error is not None and not self._warned:
            self._warned = True
            # The class and Redis's own words only: no keys (they hold paths) or values.
            logger.warning(
                "Cache %s unavailable (%s); %s until it answers again",
                self.key_prefix or "default",
                type(error).__name__,
                "serving without it" if self.fail_soft else "counting per process",
            )
        if self.fail_soft:
            return default
        raise CacheUnavailable from error

    def _recovered(self) -> None:
        if self._warned:
            self._warned = False
            logger.info("Cache %s is answering again", self.key_prefix or "default")

    def ping(self) -> bool:
        """Whether Redis answers now (for /healthz); never raises."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError:
            return False

    @_guarded(default=False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    def get(self, key, default=None, version=None):
        if time.monotonic() < self._down_until:
            return self._failed(None, default)
        try:
            value = super().get(key, default, version)
        except RedisError as error:
            return self._failed(error, default)
        self._recovered()
        return value

    @_guarded(default=None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_guarded(default=False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_guarded(default=False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_guarded(default={})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_guarded(default=False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_guarded(default=None)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_guarded(default=[])
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_guarded(default=None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_guarded(default=False)
    def clear(self):
        return super().clear()
