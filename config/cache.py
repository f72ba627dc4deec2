"""The cache on Redis, forgiving when Redis cannot be reached.

The cache holds nothing that must last (rate-limit counters, computed fragments): while Redis
restarts, it answers like an empty cache that keeps nothing, as Django's memcached backends do,
instead of failing the request. Without this, signing in (allauth counts failed logins in the
cache) answered a server error for as long as Redis was down.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (ConnectionError, TimeoutError)


def forgiving(answer):
    """Call the method; if Redis cannot be reached, log it and return answer(*args)."""

    def decorator(method):
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                logger.warning("Cache unreachable, %s skipped: %s", method.__name__, error)
                return answer(*args, **kwargs)

        wrapper.__name__ = method.__name__
        wrapper.__doc__ = method.__doc__
        return wrapper

    return decorator


def missing(key, default=None, *args, **kwargs):
    return default


def nothing(*args, **kwargs):
    return None


def accepted(*args, **kwargs):
    return True


def not_there(*args, **kwargs):
    return False


def no_counter(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found (the cache is unreachable).")


class ForgivingRedisCache(RedisCache):
    get = forgiving(missing)(RedisCache.get)
    get_many = forgiving(lambda *args, **kwargs: {})(RedisCache.get_many)
    add = forgiving(accepted)(RedisCache.add)
    set = forgiving(nothing)(RedisCache.set)
    set_many = forgiving(lambda *args, **kwargs: [])(RedisCache.set_many)
    touch = forgiving(not_there)(RedisCache.touch)
    delete = forgiving(not_there)(RedisCache.delete)
    delete_many = forgiving(nothing)(RedisCache.delete_many)
    has_key = forgiving(not_there)(RedisCache.has_key)
    incr = forgiving(no_counter)(RedisCache.incr)
    clear = forgiving(not_there)(RedisCache.clear)
