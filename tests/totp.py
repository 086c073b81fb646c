"""RFC 6238 codes computed in the tests, as an authenticator app would from the shown key."""

import base64
import hashlib
import hmac
import struct
import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.staff.mfa import VERIFIED_DEVICE_SESSION_KEY

STEP = 30


def totp(secret, at=None, digits=6):
    """The code for a base32 ``secret`` (spaces allowed) at time ``at`` (default: now)."""
    key = base64.b32decode("".join(secret.split()).upper())
    counter = int((time.time() if at is None else at) // STEP)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def set_up_app(page):
    """In a browser on the admin's setup page: scan (read) the key, confirm a code, continue.

    Returns the key, for the codes of later sign-ins.
    """
    secret = page.locator("[data-mfa-secret]").inner_text()
    page.get_by_label("Code").fill(totp(secret))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name="Continue").click()
    return secret


def verified_login(client, user):
    """``client.force_login(user)``, the session verified by an authenticator app of theirs."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[VERIFIED_DEVICE_SESSION_KEY] = device.persistent_id
    session.save()
