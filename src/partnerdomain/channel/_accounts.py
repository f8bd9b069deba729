"""Normalising customer accounts, so that two spellings of one customer match."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_account_name", "normalise_domain"]

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_NON_WORD = re.compile(r"[^\w]+")
_END_OF_HOST = re.compile(r"[/?#\s]")

#: Legal-form words dropped from the end of an account name: "Acme Inc." is "Acme".
LEGAL_FORMS: frozenset[str] = frozenset(
    {
        "ab",
        "ag",
        "as",
        "bv",
        "co",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "kg",
        "limited",
        "llc",
        "llp",
        "ltd",
        "nv",
        "oy",
        "plc",
        "pty",
        "sa",
        "sarl",
        "sas",
        "spa",
        "srl",
    }
)


def normalise_domain(text: str | None) -> str | None:
    """Return the bare host name of a web address or e-mail address, or ``None``.

    Lower-cases, drops the scheme (``https://``), any user and password, the port,
    the path, query and fragment, a leading ``www.`` and a trailing dot, so that
    ``"HTTPS://www.Acme.com/contact"`` and ``"acme.com."`` are the same customer.
    An e-mail address gives its domain. Blank input gives ``None``.

    >>> normalise_domain("HTTPS://www.Acme.com/contact?x=1")
    'acme.com'
    >>> normalise_domain("sales@acme.com."), normalise_domain("  ")
    ('acme.com', None)

    Args:
        text: A domain, URL or e-mail address, as a CRM holds it.

    Returns:
        The normalised host name, or ``None`` if nothing is left.
    """
    if text is None:
        return None
    value = text.strip().lower()
    if not value:
        return None
    value = _SCHEME.sub("", value)
    host = _END_OF_HOST.split(value, maxsplit=1)[0].rsplit("@", 1)[-1]
    if not host.startswith("["):  # an IPv6 literal keeps its colons
        host = host.split(":", 1)[0]
    host = host.strip().rstrip(".")
    host = host.removeprefix("www.")
    return host or None


def normalise_account_name(text: str | None) -> str | None:
    """Return an account name reduced to its words, for matching, or ``None``.

    Folds case and Unicode compatibility forms, replaces punctuation with spaces,
    collapses white space and drops legal-form words at the end (``Inc``, ``GmbH``,
    ``Ltd`` ...), so that ``"ACME, Inc."`` and ``"Acme"`` match.

    >>> normalise_account_name("ACME, Inc."), normalise_account_name("Müller GmbH & Co. KG")
    ('acme', 'müller')

    Args:
        text: The customer account's name.

    Returns:
        The normalised name, or ``None`` if nothing is left.
    """
    if text is None:
        return None
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = [w for w in _NON_WORD.sub(" ", folded).replace("_", " ").split() if w]
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words) or None
