"""Staff sessions end after a time without activity (cms.staff.policy.idle_timeout).

The time of the last request is kept in the session (written at most once a minute, so most
requests do not save the session). A request after the timeout signs the user out: on an
admin URL it is sent to the sign-in page, elsewhere it goes on as an anonymous visitor's.
The admin's background requests (the editor's ping of who else is editing) do not count as
activity, or an open edit view would keep a session alive forever.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from . import policy

LAST_ACTIVITY_SESSION_KEY = "staff_last_activity"
# Seconds between writes of the stamp: a session's end may come this much early or late.
RESOLUTION = 60
BACKGROUND_NAMESPACES = {"wagtailadmin_editing_sessions"}


def signed_in_maybe(request):
    """Whether ``request`` brings a session cookie, so may come from someone signed in.

    Without one nobody is signed in, and asking ``request.user`` would read the session and
    make the answer vary on Cookie: anonymous API answers are shared by every visitor.
    """
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def is_admin_request(request):
    return request.path_info.startswith(reverse("wagtailadmin_home"))


class StaffIdleTimeoutMiddleware:
    """Signs out a user whose last request is older than their idle timeout.

    Goes after AuthenticationMiddleware and MessageMiddleware; works in ``process_view``,
    where the URL is resolved, to tell background requests from activity.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not signed_in_maybe(request) or not request.user.is_authenticated:
            return None
        user = request.user
        now = time.time()
        timeout = policy.idle_timeout(user).total_seconds()
        last_activity = request.session.get(LAST_ACTIVITY_SESSION_KEY)
        if last_activity is not None and now - last_activity > timeout:
            logout(request)
            if not is_admin_request(request):
                return None
            messages.info(
                request,
                f"You were signed out after {round(timeout / 60)} minutes without activity.",
            )
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        background = request.resolver_match.namespace in BACKGROUND_NAMESPACES
        if not background and (last_activity is None or now - last_activity >= RESOLUTION):
            request.session[LAST_ACTIVITY_SESSION_KEY] = now
            # The stored session ends too, in case the user never comes back.
            request.session.set_expiry(int(timeout) + RESOLUTION)
        return None
