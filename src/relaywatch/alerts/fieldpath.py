"""Reading fields from documents that mix nested objects and dotted keys.

Kibana alerts hold the source event nested (`{"host": {"name": ...}}`) next to its own
fields as dotted top-level keys (`"kibana.alert.rule.name"`). Lodash `get`, which Kibana uses
to read them, first tries the whole path as one key and then walks the dots; `get_path`
does the same, and also accepts any split of the path between the two notations.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def get_path(doc: Mapping[str, Any], path: str) -> Any:
    """The value at `path` (dotted), or None when absent."""
    if path in doc:
        return doc[path]
    dot = path.find(".")
    while dot != -1:
        head = doc.get(path[:dot])
        # `type(head) is dict` first: the Mapping ABC check is ten times slower, and
        # documents are plain dicts but for the odd caller's Mapping.
        if head.__class__ is dict or isinstance(head, Mapping):
            found = get_path(head, path[dot + 1 :])
            if found is not None:
                return found
        dot = path.find(".", dot + 1)
    return None


def flatten(doc: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, leaf value) for every leaf; lists are leaves, as in an ES mapping."""
    for key, value in doc.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            yield from flatten(value, f"{path}.")
        else:
            yield path, value


def values_of(doc: Mapping[str, Any], path: str) -> list[Any]:
    """The values at `path` as a list: [] when absent, the items when multi-valued."""
    value = get_path(doc, path)
    if value is None:
        return []
    if isinstance(value, list):
        return [item for item in value if item is not None]
    return [value]
