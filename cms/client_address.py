"""Whose request this is: the one client address the rate limits and sign-in lockouts count.

django-axes (``AXES_CLIENT_IP_CALLABLE``, through :func:`axes_client_ip`) and django-ratelimit
(``RATELIMIT_IP_META_KEY``, the contact form's limit) both call :func:`client_ip`. It believes, in this order:

1. ``FRONTEND_CLIENT_IP_HEADER`` (``X-Client-IP``), but only on a request that carries
   ``FRONTEND_SERVER_SECRET`` in ``FRONTEND_SECRET_HEADER`` (``X-Frontend-Secret``): the
   frontend's own server posting on a visitor's behalf, which would otherwise make every
   patient one address. Without the right secret the header is ignored.
2. Behind ``TRUSTED_PROXY_COUNT`` proxies, the address that many entries from the right of
   ``X-Forwarded-For``: each proxy appends the address it was connected from, so those entries
   are the proxies' word; anything further left was written by the client and is never used.
3. With no proxy (``TRUSTED_PROXY_COUNT = 0``, the default), ``REMOTE_ADDR``.

A request with no address to believe (a proxy that did not forward it, a frontend secret with
no valid address) raises :class:`ClientAddressUnknown`: counting it as nobody would let it
past every limit.

What the limits count is a network (:func:`client_network`): an IPv4 address, or an IPv6
address's /64, which one household or server is given whole (django-ratelimit masks the
contact form's the same way, ``RATELIMIT_IPV6_MASK``, 64 by default).
"""

import hmac
import ipaddress

from django.conf import settings
from django.core.exceptions import SuspiciousOperation


class ClientAddressUnknown(SuspiciousOperation):
    """The request carries no client address this configuration believes; answered 400."""


def client_ip(request):
    """The client's address as a normalised string; see the module docstring."""
    if _from_frontend_server(request):
        header = settings.FRONTEND_CLIENT_IP_HEADER
        return _address(request.headers.get(header), f"the frontend server's {header} header")
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return _address(request.META.get("REMOTE_ADDR"), "REMOTE_ADDR")
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        raise ClientAddressUnknown(
            f"X-Forwarded-For has {len(hops)} of the {count} addresses TRUSTED_PROXY_COUNT "
            "expects: the request did not come through the proxies."
        )
    return _address(hops[-count], "X-Forwarded-For")


IPV6_NETWORK_PREFIX = 64


def client_network(address):
    """The network ``address`` counts as: itself for IPv4 (an IPv4-mapped IPv6 address too),
    its /64 for IPv6, named by its first address (``2001:db8:1:2::``): an address, as
    django-axes' ``GenericIPAddressField`` (``inet`` on PostgreSQL) takes no prefix length."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 4:
        return str(ip)
    return str(ipaddress.ip_network((ip, IPV6_NETWORK_PREFIX), strict=False).network_address)


def axes_client_ip(request):
    """The :func:`client_network` of :func:`client_ip`, for django-axes: failed sign-ins from
    anywhere in one IPv6 /64 are counted together (``AccessAttempt.ip_address`` holds it).

    django-axes also asks about sign-ins made in code: ``force_login()``, ``logout()`` and a
    shell's ``authenticate()`` pass a request that never came over the network (no
    ``REMOTE_ADDR``): it has no address, and is not refused for it.
    """
    if not request.META.get("REMOTE_ADDR"):
        return None
    return client_network(client_ip(request))


def _from_frontend_server(request):
    secret = settings.FRONTEND_SERVER_SECRET
    given = request.headers.get(settings.FRONTEND_SECRET_HEADER)
    if not secret or given is None:
        return False
    return hmac.compare_digest(given.encode(), secret.encode())


def _address(value, source):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        raise ClientAddressUnknown(f"No valid client address in {source}.") from None
