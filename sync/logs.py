"""The service's log: one line per event whatever the data says, each value bounded, no secret.

Values in log lines come from Odoo and from HTTP clients (a quotation's name, a request path),
so a newline in one would forge a second line, and a 900 KB name would be written whole. The
formatter escapes control characters (``\\n`` is written as the two characters ``\\n``), cuts
each argument to :data:`MAX_FIELD` characters, and replaces the configured secrets by ``***``
wherever they appear, tracebacks included. ``CAPACITY_PROMISE_LOG_FORMAT=json`` writes one JSON
object per line instead."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable
from typing import IO, Any

MAX_FIELD = 300  # characters of one value in a log line
MAX_LINE = 4000  # characters of one message, arguments included
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def escape(text: str) -> str:
    """``text`` on one line: control characters as escapes (``\\n``, ``\\x1b``)."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def bounded(value: Any, limit: int = MAX_FIELD) -> Any:
    """A log argument cut to ``limit`` characters when it is text (numbers pass as they are)."""
    if isinstance(value, int | float | bool) or value is None:
        return value
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


class SafeFormatter(logging.Formatter):
    """Escaped, bounded, secret-free lines; as JSON objects when ``as_json``."""

    def __init__(self, secrets: Iterable[str] = (), as_json: bool = False):
        super().__init__(TEXT_FORMAT)
        self.secrets = sorted({secret for secret in secrets if len(secret) >= 4},
                              key=len, reverse=True)
        self.as_json = as_json

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def message(self, record: logging.LogRecord) -> str:
        args = record.args
        if isinstance(args, dict):
            args = {key: bounded(value) for key, value in args.items()}
        elif args:
            args = tuple(bounded(value) for value in args)
        try:
            text = str(record.msg) % args if args else str(record.msg)
        except (TypeError, ValueError):  # a malformed call must still leave one line
            text = f"{record.msg!s} {args!r}"
        return escape(self.redact(bounded(text, MAX_LINE)))

    def format(self, record: logging.LogRecord) -> str:
        message = self.message(record)
        trace = ""
        if record.exc_info:
            trace = self.formatException(record.exc_info)
        if record.stack_info:
            trace = f"{trace}\n{self.formatStack(record.stack_info)}".strip()
        trace = self.redact(trace)
        if self.as_json:
            entry = {"time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc)
                     .isoformat(timespec="milliseconds"), "level": record.levelname,
                     "logger": record.name, "message": message}
            if trace:
                entry["traceback"] = trace
            return json.dumps(entry, ensure_ascii=True)
        record.asctime = self.formatTime(record, self.datefmt)
        line = f"{record.asctime} {record.levelname} {escape(record.name)}: {message}"
        # a traceback keeps its lines, each marked as part of this record, so none can pass
        # for a record of its own
        return line + "".join(f"\n  | {escape(row)}" for row in trace.splitlines())


def configure(level: str, secrets: Iterable[str] = (), as_json: bool = False,
              stream: IO[str] | None = None) -> logging.Handler:
    """Send every log record through :class:`SafeFormatter` (replacing the root's handlers)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SafeFormatter(secrets, as_json))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler
