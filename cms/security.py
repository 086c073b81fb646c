"""Helpers the security settings point at."""

from urllib.parse import urlsplit

import csp.constants
import csp.middleware
from csp.constants import SELF
from django.conf import settings


def origin(url):
    """``scheme://host[:port]`` of an absolute URL, or None for a relative one."""
    parts = urlsplit(url or "")
    if not (parts.scheme and parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def preview_frame_src(client_urls):
    """The CSP ``frame-src`` of the admin: itself, and the origin of each preview frontend."""
    origins = dict.fromkeys(filter(None, map(origin, client_urls.values())))
    return [SELF, *origins]


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the policy's directives in the settings' order.

    django-csp 4.0 gathers the directive names in a set, so the header's order follows the
    process's string hashing (``PYTHONHASHSEED``): two servers would send one policy in
    different orders, and answers compared byte for byte would differ.
    """

    def process_response(self, request, response):
        response = super().process_response(request, response)
        for header, setting in (
            (csp.constants.HEADER, "CONTENT_SECURITY_POLICY"),
            (csp.constants.HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            if header in response:
                order = list((getattr(settings, setting, None) or {}).get("DIRECTIVES", {}))
                response[header] = in_order(response[header], order)
        return response


def in_order(policy, order):
    """``policy``'s directives in the order of the names in ``order``, any others after them
    by name."""
    directives = [directive for directive in policy.split("; ") if directive]
    position = {name: index for index, name in enumerate(order)}

    def key(directive):
        name = directive.split(" ", 1)[0]
        return (position.get(name, len(order)), name)

    return "; ".join(sorted(directives, key=key))
