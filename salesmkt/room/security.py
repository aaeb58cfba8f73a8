"""The room's defences: CSRF tokens, the admin check, rate limits, headers, body caps.

Vocabulary:
- *device cookie*: ``room_device``, random, HttpOnly, SameSite=Strict; it names the
  phone's session (the store keeps only its hash).
- *admin cookie*: ``room_admin``, set by ``/admin?token=…`` (then a redirect drops the
  token from the address bar, so the projector never shows it); it holds an HMAC of
  the admin token, not the token.
- *CSRF token*: an HMAC of the device (or of the admin token) under the room's secret,
  put in the page's ``<meta name="csrf">``; every state-changing request sends it back
  in ``X-CSRF-Token``. A cross-site page can neither read it nor send the cookie
  (SameSite=Strict), and the Origin header, when sent, must be this site.
- *rate limit*: a token bucket per device, refilled at ``RATE`` requests per second up
  to ``BURST``; requests without a device cookie share one larger bucket per client
  address (``ADDRESS_RATE``, ``ADDRESS_BURST``).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict

DEVICE_COOKIE = "room_device"
ADMIN_COOKIE = "room_admin"
CSRF_HEADER = "x-csrf-token"
MAX_BODY = 4096  # bytes: an answer is a few dozen; anything bigger is refused (413)
RATE = 8.0  # requests per second per device, sustained
BURST = 40.0
# Requests without a device cookie (a first page load) count per client address; a room
# full of phones may share one address behind a router, so that budget is larger.
ADDRESS_RATE = 50.0
ADDRESS_BURST = 400.0
TRACKED = 20_000  # buckets kept; the oldest are forgotten first

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def sign(secret: str, purpose: str, value: str) -> str:
    """An HMAC-SHA256 of ``value`` for one ``purpose`` (hex)."""
    message = f"{purpose}:{value}".encode()
    return hmac.new(bytes.fromhex(secret), message, hashlib.sha256).hexdigest()


def same(a: str | None, b: str) -> bool:
    """Constant-time comparison that treats a missing value as a mismatch."""
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


def origin_ok(origin: str | None, host: str | None) -> bool:
    """A request's Origin, when the browser sends one, must be this very site."""
    if origin is None:
        return True
    if host is None:
        return False
    return origin in (f"http://{host}", f"https://{host}")


class RateLimiter:
    """Token buckets per key; ``allow`` spends one token or says no."""

    def __init__(self, rate: float = RATE, burst: float = BURST) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > TRACKED:
                self._buckets.popitem(last=False)
        return allowed
