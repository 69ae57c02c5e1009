"""The service's settings: read once at start-up from ``CAPACITY_PROMISE_*`` environment
variables, optionally from a file of ``KEY=value`` lines first (the environment wins)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

PREFIX = "CAPACITY_PROMISE_"
Protocol = Literal["auto", "xmlrpc", "jsonrpc", "json2"]


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


class Secret:
    """A password, API key or token: compares and hashes like its value, never prints it."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything the service needs. Field ``odoo_url`` is read from
    ``CAPACITY_PROMISE_ODOO_URL``, and so on for every field (upper case)."""

    odoo_url: str = ""
    odoo_db: str = ""
    odoo_login: str = ""
    odoo_api_key: Secret = dataclasses.field(default_factory=lambda: Secret(""))
    odoo_protocol: Protocol = "auto"
    odoo_timeout: float = 30.0
    odoo_retries: int = 4
    # applying a plan: the first one creates everything (minutes at size L); not retried once
    # sent, as Odoo may still be applying it (the next poll sends it again, which is harmless)
    apply_timeout: float = 600.0
    company_id: int = 0  # 0 = the service user's current company
    state_url: str = "sqlite:///capacity-promise.sqlite"
    token: Secret = dataclasses.field(default_factory=lambda: Secret(""))
    listen_host: str = "127.0.0.1"
    listen_port: int = 8080
    # the HTTP API's limits: open connections (lowered to what the descriptor limit allows),
    # seconds for a request's headers and for the whole request from its first byte, lines
    # per quote
    http_connection_limit: int = 1000
    http_header_timeout: float = 10.0
    http_request_timeout: float = 30.0
    quote_max_lines: int = 2000
    # what one plan may take on: a longer horizon is planned over this many days; a larger
    # snapshot is refused (memory grows with both)
    max_horizon_days: int = 730
    max_snapshot_records: int = 1_000_000
    poll_interval: float = 300.0
    replan_interval: float = 900.0
    overlap_seconds: float = 120.0
    page_size: int = 2000
    read_workers: int = 4  # models a full read asks Odoo for at once
    horizon_days: int = 0  # 0 = take the addon's setting (default 180)
    quotations_hold_capacity: str = ""  # "" = take the addon's setting; "true" / "false"
    quotation_hold_share: float = 1.0
    capacity_factor: float = 1.0
    purchase_safety_days: int = 0
    schedule: Literal["asap", "just_in_time"] = "asap"
    solver: Literal["highs", "cbc", "none"] = "highs"
    solver_time_limit: float = 5.0
    mip_gap: float = 0.01
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"

    def require_odoo(self) -> None:
        """Refuse to talk to Odoo without an address, database, login and key."""
        missing = [f"{PREFIX}{name.upper()}" for name in ("odoo_url", "odoo_db", "odoo_login")
                   if not getattr(self, name)]
        if not self.odoo_api_key:
            missing.append(f"{PREFIX}ODOO_API_KEY")
        if missing:
            raise ConfigError("missing settings: " + ", ".join(missing))
        parts = urlsplit(self.odoo_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{PREFIX}ODOO_URL must look like https://erp.example.com, "
                              f"got {self.odoo_url!r}")

    def secret_values(self) -> list[str]:
        """Every secret the settings hold (the state store's password too), for the log to
        blank out wherever one appears."""
        values = [getattr(self, spec.name).reveal() for spec in dataclasses.fields(self)
                  if isinstance(getattr(self, spec.name), Secret)]
        password = urlsplit(self.state_url).password if "://" in self.state_url else None
        if password:
            values.append(password)
        return [value for value in values if value]

    def public(self) -> dict[str, Any]:
        """The settings with secrets masked, for logs and ``/health``."""
        values = dataclasses.asdict(self)
        for name, value in values.items():
            if isinstance(getattr(self, name), Secret):
                values[name] = "***" if value else ""
        return values


def load_settings(environ: Mapping[str, str] | None = None,
                  file: str | Path | None = None) -> Settings:
    """Settings from ``file`` (``KEY=value`` lines, ``#`` comments), then the environment.

    The file may be named by ``CAPACITY_PROMISE_CONFIG``. Raises :class:`ConfigError` naming
    the variable when a value cannot be read.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, str] = {}
    file = file or environ.get(f"{PREFIX}CONFIG")
    if file:
        values.update(_read_file(Path(file)))
    values.update({key: value for key, value in environ.items() if key.startswith(PREFIX)})
    kwargs: dict[str, Any] = {}
    for spec in dataclasses.fields(Settings):
        key = f"{PREFIX}{spec.name.upper()}"
        if key not in values:
            continue
        raw = values[key].strip()
        kwargs[spec.name] = _convert(key, raw, spec)
    known = {f"{PREFIX}{spec.name.upper()}" for spec in dataclasses.fields(Settings)}
    known.add(f"{PREFIX}CONFIG")
    # the test suite's and the benchmarks' own variables share the prefix
    unknown = sorted(key for key in values if key not in known and key.startswith(PREFIX)
                     and not key.startswith((f"{PREFIX}TEST_", f"{PREFIX}BENCH_")))
    if unknown:
        raise ConfigError("unknown settings: " + ", ".join(unknown))
    return Settings(**kwargs)


def _read_file(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read the settings file {path}: {error.strerror}") from error
    values = {}
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ConfigError(f"{path}, line {number}: expected KEY=value")
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def _convert(key: str, raw: str, spec: dataclasses.Field[Any]) -> Any:
    kind = spec.type if isinstance(spec.type, str) else getattr(spec.type, "__name__", "")
    try:
        if kind == "Secret":
            return Secret(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError as error:
        raise ConfigError(f"{key} must be a number, got {raw!r}") from error
    if spec.name == "odoo_protocol" and raw not in ("auto", "xmlrpc", "jsonrpc", "json2"):
        raise ConfigError(f"{key} must be auto, xmlrpc, jsonrpc or json2, got {raw!r}")
    if spec.name == "schedule" and raw not in ("asap", "just_in_time"):
        raise ConfigError(f"{key} must be asap or just_in_time, got {raw!r}")
    if spec.name == "log_format" and raw not in ("text", "json"):
        raise ConfigError(f"{key} must be text or json, got {raw!r}")
    if spec.name == "solver" and raw not in ("highs", "cbc", "none"):
        raise ConfigError(f"{key} must be highs, cbc or none, got {raw!r}")
    if spec.name == "quotations_hold_capacity" and raw.lower() not in ("", "true", "false"):
        raise ConfigError(f"{key} must be true or false, got {raw!r}")
    return raw
