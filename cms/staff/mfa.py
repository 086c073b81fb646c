"""The second factor: an authenticator app (TOTP) with recovery codes, as django-otp devices.

Who must use one is cms.staff.policy.needs_second_factor, while STAFF_MFA_REQUIRED is on.
Such a user who signed in with a password alone reaches only the sign-in, sign-out and
second-factor views of the admin (SecondFactorMiddleware): they verify a code, or set up an
app at their first sign-in; elsewhere (the API, documents) the session counts as anonymous.

A session remembers the device that verified it. When that device goes (the user set up a new
app, or ``manage.py reset_mfa`` removed it), the session is signed out, so a stolen session
cannot outlive the factor it was verified with nor set up a new one after a reset.
"""

import base64

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from . import policy
from .sessions import is_admin_request, signed_in_maybe

RECOVERY_CODE_COUNT = 10
VERIFIED_DEVICE_SESSION_KEY = "staff_mfa_device"
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
ENROL_ACTION = "cms.mfa.enrol"
RESET_ACTION = "cms.mfa.reset"
# Admin URLs a user who owes a second factor may still open.
OPEN_URL_NAMES = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "cms_mfa_setup",
    "cms_mfa_verify",
}


def required(user):
    return settings.STAFF_MFA_REQUIRED and policy.needs_second_factor(user)


def has_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_app(user):
    """The unconfirmed app device the setup page shows; the same one until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def secret(device):
    """The app's key in base32, as authenticator apps take it typed in, in groups of four."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device):
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def normalise(code):
    return "".join(code.split()).replace("-", "").lower()


def confirm_app(request, device, code):
    """Make ``device`` the user's one app if ``code`` is its current code; new recovery codes.

    Returns the recovery codes (shown once), or ``None`` for a wrong code. Any earlier app and
    recovery codes are removed, which signs out the sessions they verified.
    """
    user = request.user
    with transaction.atomic():
        if not device.verify_token(normalise(code)):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        StaticDevice.objects.filter(user=user).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(
            StaticToken(device=recovery, token=token) for token in codes
        )
        # The device's own user: request.user is a lazy object the audit log cannot file.
        log(device.user, ENROL_ACTION, user=device.user)
    _verified(request, device)
    return codes


def verify(request, code):
    """Whether ``code`` is the app's current code or an unused recovery code; if so, verified."""
    user = request.user
    code = normalise(code)
    for device in django_otp.devices_for_user(user, confirmed=True):
        if django_otp.verify_token(user, device.persistent_id, code):
            _verified(request, device)
            return True
    return False


def _verified(request, device):
    # A new session key once the second factor is given, as Django does at sign-in.
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[VERIFIED_DEVICE_SESSION_KEY] = device.persistent_id


def reset(user, by=None):
    """Remove the user's app and recovery codes: they set up a new app at their next sign-in."""
    with transaction.atomic():
        removed = [device.persistent_id for device in django_otp.devices_for_user(user, None)]
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        log(user, RESET_ACTION, user=by, data={"devices": len(removed)})
    return len(removed)


class SecondFactorMiddleware:
    """Holds users who owe a second factor to the views that take it.

    Goes after django-otp's OTPMiddleware (which tells whether the session is verified) and
    StaffIdleTimeoutMiddleware. Works in ``process_view``, where the URL is resolved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not signed_in_maybe(request) or not request.user.is_authenticated:
            return None
        user = request.user
        if request.session.get(VERIFIED_DEVICE_SESSION_KEY) and not user.is_verified():
            # The factor this session was verified with has been replaced or reset.
            logout(request)
            return _to(request, "wagtailadmin_login") if is_admin_request(request) else None
        if user.is_verified() or not required(user):
            return None
        if not is_admin_request(request):
            request.user = AnonymousUser()
            return None
        if request.resolver_match.url_name in OPEN_URL_NAMES:
            return None
        return _to(request, "cms_mfa_verify" if has_factor(user) else "cms_mfa_setup")


def _to(request, url_name):
    return redirect_to_login(request.get_full_path(), reverse(url_name))
