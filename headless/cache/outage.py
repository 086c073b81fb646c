"""What the cache does when its store is out of reach: answer from the database, and say so
once a minute.

Every place that talks to the shared store catches :data:`ERRORS`, and reports through
:func:`report`, on the logger ``headless.cache``, which django-redis's ignored errors use too
(``DJANGO_REDIS_LOGGER``); ``cms/settings/base.py`` puts its once-a-minute filter on it. Any
other error is a bug, and is not hidden.
"""

import logging

from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

ERRORS = (OSError, RedisError, ConnectionInterrupted)
"""What a cache raises when its server is out of reach: socket errors, and Redis's own when
django-redis does not ignore them."""

logger = logging.getLogger("headless.cache")


def report(exc):
    logger.warning("API response cache unavailable, serving from the database: %s", exc)
