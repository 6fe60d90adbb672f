"""Belgian identifiers: enterprise numbers (KBO), establishment unit numbers, postcodes and the
organisation codes ACM/IDM sends. Used by both apps (accounts imports nothing from submissions)."""

import re
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat

_NOISE = re.compile(r"[\s.\-/]")  # people write 0405.546.706, 0405 546 706, 0405-546-706, 0405/546.706
_KBO = re.compile(r"^[0-9]{9,10}$")


def is_digits(value):
    """ASCII digits only: str.isdigit() also takes "²" or Arabic-Indic digits, which int() or KBO reject."""
    return value.isascii() and value.isdigit()


def _digits(value):
    value = _NOISE.sub("", str(value or "")).upper()
    return value.removeprefix("BE")


def _mod97_ok(digits):
    check = 97 - int(digits[:8]) % 97
    return int(digits[8:]) == check


def normalise_enterprise_number(value):
    """Return the 10-digit KBO number, or raise ValidationError with a Dutch message."""
    digits = _digits(value)
    if len(digits) == 9 and is_digits(digits):
        digits = "0" + digits  # old 9-digit numbers
    if len(digits) != 10 or not is_digits(digits) or digits[0] not in "01":
        raise ValidationError(
            _("An enterprise number has 10 digits and starts with 0 or 1, e.g. 0405.546.706."),
            code="invalid_format",
        )
    if not vat.is_valid(digits):
        raise ValidationError(
            _(
                "This enterprise number does not exist: its check digits are wrong. "
                "Check the number in the KBO."
            ),
            code="invalid_checksum",
        )
    return digits


def normalise_establishment_number(value):
    """Return the 10-digit establishment unit number (first digit 2–8, mod-97), or raise ValidationError."""
    digits = _digits(value)
    if len(digits) != 10 or not is_digits(digits) or digits[0] not in "2345678":
        raise ValidationError(
            _("An establishment unit number has 10 digits and starts with 2 to 8, e.g. 2.147.812.701."),
            code="invalid_format",
        )
    if not _mod97_ok(digits):
        raise ValidationError(
            _("This establishment unit number does not exist: its check digits are wrong."),
            code="invalid_checksum",
        )
    return digits


def normalise_postcode(value):
    value = str(value or "").strip()
    if not re.fullmatch(r"[1-9][0-9]{3}", value):
        raise ValidationError(
            _("A Belgian postcode has 4 digits, from 1000 to 9999."), code="invalid_postcode"
        )
    return value


def format_enterprise_number(digits):
    """0405546706 -> 0405.546.706"""
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if len(digits or "") == 10 else digits


KBO_PUBLIC_SEARCH = "https://kbopub.economie.fgov.be/kbopub/zoeknummerform.html"


def kbo_public_search_url(digits):
    """The KBO's public search page for an enterprise number (anyone may look it up there)."""
    return f"{KBO_PUBLIC_SEARCH}?{urlencode({'nummer': digits})}"


def format_establishment_number(digits):
    """2147812701 -> 2.147.812.701"""
    return f"{digits[0]}.{digits[1:4]}.{digits[4:7]}.{digits[7:]}" if len(digits or "") == 10 else digits


def normalise_orgcode(code):
    """An ACM/IDM organisation code: a KBO number as 10 digits (a 9-digit one gets a leading 0), an OVO
    code upper case. Never checksummed: the provider vouches for it."""
    code = re.sub(r"[\s.]", "", str(code or "")).upper()
    code = code.removeprefix("BE") if _KBO.match(code.removeprefix("BE")) else code
    return code.zfill(10) if _KBO.match(code) else code


def search_digits(value):
    """The digits of a search term typed with or without dots, or '' when it holds letters too."""
    digits = _digits(value)
    return digits if is_digits(digits) else ""
