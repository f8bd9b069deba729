"""JSON text written by hand, for tests that must control what a file holds."""

import json
from decimal import Decimal


def to_json(value):
    """JSON text for a value, writing a Decimal as the number it is (json cannot)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        items = (f"{json.dumps(k, ensure_ascii=False)}: {to_json(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(to_json(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
