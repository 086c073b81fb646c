"""RFC 6238 codes computed in the tests, as an authenticator app would from the shown key."""

import base64
import hashlib
import hmac
import struct
import time

STEP = 30


def totp(secret, at=None, digits=6):
    """The code for a base32 ``secret`` (spaces allowed) at time ``at`` (default: now)."""
    key = base64.b32decode("".join(secret.split()).upper())
    counter = int((time.time() if at is None else at) // STEP)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)
