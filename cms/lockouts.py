"""Sign-in lockouts (django-axes): failures counted three ways, each with its own limit.

- one username from one network (``AXES_FAILURE_LIMIT``, 5): someone guessing a password;
- one network, any usernames (``SIGN_IN_NETWORK_FAILURE_LIMIT``, 20): someone trying many
  accounts from one place;
- one username, any networks (``SIGN_IN_USERNAME_FAILURE_LIMIT``, 20): someone guessing one
  account's password from many places.

A network is an IPv4 address or an IPv6 /64 (:func:`cms.client_address.client_network`), so
rotating through the addresses of one /64 escapes none of them. The two wider limits are
higher than the first so that a stranger cannot lock a colleague out as cheaply as a guesser
is locked out. django-axes compares one failure count with one limit: :class:`LockoutHandler`
gives it, for each way of counting, the failures scaled to ``AXES_FAILURE_LIMIT``, so each
reaches the limit exactly when its own does. A successful sign-in (``AXES_RESET_ON_SUCCESS``)
clears that username's failures from that network only: anyone's success would otherwise
clear every failure from its network, or of its username from everywhere.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


def lockout_parameters(request_or_attempt, credentials=None):
    """``AXES_LOCKOUT_PARAMETERS``: the three ways of counting, in the order of :func:`limits`."""
    return [["username", "ip_address"], "ip_address", "username"]


def limits(request, credentials):
    return [
        get_failure_limit(request, credentials),
        settings.SIGN_IN_NETWORK_FAILURE_LIMIT,
        settings.SIGN_IN_USERNAME_FAILURE_LIMIT,
    ]


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit of its own for each way of counting."""

    def get_failures(self, request, credentials=None):
        limit = get_failure_limit(request, credentials)
        counted = zip(
            self.get_user_attempts(request, credentials), limits(request, credentials), strict=True
        )
        return max(
            (attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0) * limit // own
            for attempts, own in counted
        )

    def reset_user_attempts(self, request, credentials=None):
        pair, *_wider = self.filter_user_attempts(request, credentials)
        count, _ = pair.delete()
        return count
