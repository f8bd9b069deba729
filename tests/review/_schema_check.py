"""A small JSON Schema checker for the keywords the review schema uses.

The review's schema uses only: type, enum, const, pattern, minimum, required,
properties, additionalProperties, items, oneOf and local $ref. Checking them by hand
keeps jsonschema out of the test dependencies.
"""

import re

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {
    "$schema",
    "$id",
    "title",
    "description",
    "$defs",
    "type",
    "enum",
    "const",
    "pattern",
    "minimum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "oneOf",
    "$ref",
}


def problems(value, schema, root=None, path="$"):  # noqa: C901, PLR0912 - one branch per keyword
    """Yield every place where ``value`` breaks ``schema``."""
    root = root or schema
    unknown = set(schema) - KNOWN
    if unknown:
        yield f"{path}: schema uses unsupported keywords {sorted(unknown)}"
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        yield from problems(value, root["$defs"][name], root, path)
        return
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not list(problems(value, s, root, path))]
        if len(matching) != 1:
            yield f"{path}: matches {len(matching)} of oneOf, expected exactly 1"
        return
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[k](value) for k in kinds):
            yield f"{path}: {value!r} is not of type {kinds}"
            return
    if "enum" in schema and value not in schema["enum"]:
        yield f"{path}: {value!r} not in {schema['enum']}"
    if "const" in schema and value != schema["const"]:
        yield f"{path}: {value!r} is not {schema['const']!r}"
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        yield f"{path}: {value!r} does not match {schema['pattern']}"
    if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
        yield f"{path}: {value!r} < {schema['minimum']}"
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                yield f"{path}: missing {key!r}"
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                yield from problems(item, props[key], root, f"{path}.{key}")
            elif extra is False:
                yield f"{path}: unexpected key {key!r}"
            elif isinstance(extra, dict):
                yield from problems(item, extra, root, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            yield from problems(item, schema["items"], root, f"{path}[{i}]")
