"""Branding of the deliverables: the client, the consultant, the accent colour and the logo.

Vocabulary:
- *branding*: a :class:`Branding`, what ``report --client/--consultant/--accent/--logo``
  asked for; every field is optional and an empty one is simply left out.
- *accent*: one colour as ``#RRGGBB`` (``#rgb`` is widened); it colours the slide
  deck's title rules and charts. :func:`parse_accent` turns a bad value into a usage
  error (exit 2).
- *logo*: a :class:`Logo`, an image file read and checked by :func:`load_logo`: at most
  :data:`MAX_LOGO_BYTES` (2 MB), really a PNG, JPEG or SVG (its content decides, not
  its name), and a raster image no larger than :data:`MAX_LOGO_PIXELS` a side. Anything
  else is refused in one line (exit 1).
- *SVG*: a slide deck holds raster pictures only; an SVG logo is refused there with a
  message that says to export it as PNG (converting it would need a system graphics
  library, which the tool does not require).

- *brand view*: :func:`brand_view`, what the HTML report shows of the branding: the
  names, the accent with a text colour readable on it and a darker twin readable on
  white (WCAG AA, 4.5:1), and the logo as a ``data:`` URI for an ``<img>``. An SVG logo
  is shown through ``<img>`` only, where browsers run no script and load nothing.

Pillow (which python-pptx and matplotlib already bring) is imported inside
:func:`load_logo`.
"""

from __future__ import annotations

import base64
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from salesmkt.errors import SalesmktError, UsageError
from salesmkt.render.report.view import Brand

DEFAULT_ACCENT = "#1F5C99"
MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 8000
_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")

LogoKind = Literal["png", "jpeg", "svg"]


@dataclass(frozen=True)
class Logo:
    """A checked logo: its bytes, its kind and (raster only) its size in pixels."""

    path: Path
    data: bytes
    kind: LogoKind
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class Branding:
    """What the deliverables carry besides the figures; empty fields are left out."""

    client: str = ""
    consultant: str = ""
    accent: str = DEFAULT_ACCENT
    logo: Logo | None = None


def parse_accent(value: str) -> str:
    """``#RRGGBB`` (upper case) from ``#RRGGBB``, ``RRGGBB`` or ``#RGB``; else a UsageError."""
    match = _HEX.fullmatch(value.strip())
    if match is None:
        raise UsageError(f"--accent {value!r}: expected a colour as #RRGGBB, e.g. #1F5C99")
    digits = match[1]
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits.upper()


def _refuse(path: Path, why: str) -> SalesmktError:
    return SalesmktError(f"--logo {path}: {why}")


def _is_svg(data: bytes) -> bool:
    head = data[:4096].lstrip().lower()
    return head.startswith((b"<svg", b"<?xml")) and b"<svg" in head


def load_logo(path: Path) -> Logo:
    """Read and check a logo file; a one-line error (exit 1) says why one is refused."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise _refuse(path, "is not a file")
        if size > MAX_LOGO_BYTES:
            raise _refuse(path, f"is {size:,} bytes; a logo may be at most 2 MB")
        data = path.read_bytes()
    except OSError as exc:
        raise _refuse(path, f"cannot read it: {exc.strerror or exc}") from None
    if _is_svg(data):
        return Logo(path, data, "svg")
    return _raster(path, data)


def _raster(path: Path, data: bytes) -> Logo:
    """A PNG or JPEG that Pillow can fully check, no larger than MAX_LOGO_PIXELS a side."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, width, height = image.format, image.width, image.height
                image.verify()
    except Exception:  # Pillow raises many kinds for a file that is not an image
        raise _refuse(path, "is not a PNG, JPEG or SVG image") from None
    if kind not in ("PNG", "JPEG"):
        raise _refuse(path, f"is a {kind} image; give a PNG, JPEG or SVG")
    if max(width, height) > MAX_LOGO_PIXELS:
        raise _refuse(path, f"is {width}×{height} pixels; at most {MAX_LOGO_PIXELS} a side")
    return Logo(path, data, "png" if kind == "PNG" else "jpeg", width, height)


def raster_logo(branding: Branding) -> Logo | None:
    """The logo a slide deck can hold; an SVG one is refused (exit 1) with what to do."""
    logo = branding.logo
    if logo is not None and logo.kind == "svg":
        raise _refuse(
            logo.path,
            "a slide deck holds PNG or JPEG pictures only; export the SVG logo as PNG",
        )
    return logo


_MIME = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}


def logo_uri(logo: Logo | None) -> str:
    """The logo as a ``data:`` URI for an ``<img>`` (empty without one)."""
    if logo is None:
        return ""
    return f"data:{_MIME[logo.kind]};base64,{base64.b64encode(logo.data).decode('ascii')}"


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB``."""

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _darker(colour: str, share: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * (1 - share)):02X}" for c in (r, g, b))


def readable_on_white(colour: str, ratio: float = 4.5) -> str:
    """``colour``, darkened in steps until text in it reads on white (AA: 4.5:1)."""
    for step in range(21):
        candidate = _darker(colour, step * 0.05)
        if contrast(candidate, "#FFFFFF") >= ratio:
            return candidate
    return "#000000"


def ink_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``."""
    return "#FFFFFF" if contrast(fill, "#FFFFFF") >= contrast(fill, "#000000") else "#000000"


def brand_view(branding: Branding) -> Brand:
    """What the HTML report shows of the branding."""
    accent = parse_accent(branding.accent)
    text = readable_on_white(accent)
    return Brand(
        client=branding.client,
        consultant=branding.consultant,
        accent=accent,
        accent_ink=ink_on(text),
        accent_text=text,
        logo_uri=logo_uri(branding.logo),
    )
