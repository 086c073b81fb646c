"""Which addresses webhooks may be sent to: public HTTP(S) servers only.

The worker POSTs to URLs that editors type in the admin and that ``WEBHOOK_URLS`` lists, from
inside the network the CMS runs in. Without a rule, such a URL could reach what only that
network should: the cloud's metadata service (``169.254.169.254``), a database's HTTP port, the
admin of a router. So a target must be ``http://`` or ``https://`` and its host must resolve
to public addresses only: no loopback, link-local, private, shared, reserved, multicast or
unspecified address. ``WEBHOOK_ALLOW_PRIVATE_TARGETS = True`` lifts the address rule (local
development, tests); the scheme rule always holds.

The rule is checked when an endpoint is saved (``WebhookEndpoint.clean``), by ``manage.py
check`` for ``WEBHOOK_URLS`` (``webhooks.W002``), before each attempt, and again on the
address the worker actually connects to (``checked_connection``): DNS may answer differently
by then.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

SCHEMES = {"http": 80, "https": 443}


class TargetRefused(OSError):
    """A webhook target the rule above refuses; its message is the reason, for an editor."""


def check_url(url):
    """Raise ``TargetRefused`` unless ``url`` is a target webhooks may be sent to."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise TargetRefused("Only http:// and https:// addresses can receive webhooks.")
    if not parts.hostname:
        raise TargetRefused("The address has no host name.")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError:
        raise TargetRefused("The address has an invalid port.") from None
    check_host(parts.hostname, port)


def check_host(host, port):
    """The addresses of ``host`` if webhooks may go there; raises ``TargetRefused`` otherwise."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(f"The host {host} could not be found; check the address.") from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        for address in addresses:
            kind = _not_public(ipaddress.ip_address(address.split("%", 1)[0]))
            if kind:
                named = f"{address} is" if address == host else f"{host} is {address},"
                raise TargetRefused(
                    f"{named} {kind} address: webhooks go to public addresses only."
                )
    return addresses


def _not_public(ip):
    """What kind of non-public address ``ip`` is ("a loopback"), or "" for a public one."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for kind, matches in [
        ("a loopback", ip.is_loopback),
        ("a link-local", ip.is_link_local),
        ("an unspecified", ip.is_unspecified),
        ("a multicast", ip.is_multicast),
        ("a private network", ip.is_private),
        ("a reserved", ip.is_reserved or not ip.is_global),
    ]:
        if matches:
            return kind
    return ""


def checked_connection(address, *args, **kwargs):
    """``socket.create_connection`` to an address ``check_host`` allows, and no other.

    Connects to the very addresses it checked, so DNS cannot answer one thing to the check
    and another to the connection.
    """
    host, port = address
    error = None
    for resolved in check_host(host, port):
        try:
            return socket.create_connection((resolved, port), *args, **kwargs)
        except OSError as exc:
            error = exc
    raise error or TargetRefused(f"The host {host} has no address.")
