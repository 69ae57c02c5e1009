"""JSON text of a big value made piece by piece, so that other threads run meanwhile.

``json.dumps`` of a plan is one call into C that keeps the interpreter's lock until the whole
text is made: 3 MB at size M, ten times that at L, during which no ``/quote`` is answered.
:func:`dumps` makes the text of each item of a long list (and of each value of a dict) with its
own call, and joins them; the result parses to the same value as ``json.dumps`` gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

PIECE = 2_000  # values in a piece that one call encodes (well under a millisecond)


def dumps(value: Any, sort_keys: bool = False,
          default: Callable[[Any], Any] | None = None) -> str:
    """Compact JSON (``,`` and ``:``, non-ASCII kept, NaN refused) of ``value``."""
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False,
                              sort_keys=sort_keys, default=default).encode

    def piece(item: Any) -> str:
        if _size(item) < PIECE:
            return encode(item)
        if isinstance(item, dict):
            keys = sorted(item) if sort_keys else list(item)
            return "{" + ",".join(f"{encode(str(key))}:{piece(item[key])}"
                                  for key in keys) + "}"
        parts: list[str] = []
        batch: list[Any] = []
        weight = 0
        for element in item:  # runs of small items in one call each, big ones piece by piece
            size = _size(element) + 1
            if weight + size > PIECE and batch:
                parts.append(encode(batch)[1:-1])
                batch, weight = [], 0
            if size >= PIECE:
                parts.append(piece(element))
            else:
                batch.append(element)
                weight += size
        if batch:
            parts.append(encode(batch)[1:-1])
        return "[" + ",".join(parts) + "]"

    return piece(value)


def _size(value: Any, depth: int = 2) -> int:
    """About how many values ``value`` holds: counted ``depth`` levels down, the containers
    below by their length (looking at every value cost as much as encoding it), up to
    ``PIECE``."""
    if not isinstance(value, dict | list | tuple):
        return 0
    count = len(value)
    if count >= PIECE or depth == 0:
        return count
    for inner in value.values() if isinstance(value, dict) else value:
        if isinstance(inner, dict | list | tuple):
            count += _size(inner, depth - 1)
            if count >= PIECE:
                return count
    return count
