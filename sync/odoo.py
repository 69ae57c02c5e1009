"""Talking to Odoo: XML-RPC (or JSON-RPC) through odoo-client-lib up to 18, JSON-2 from 19 on
(our own small transport), the protocol chosen by the server version; a timeout on every call,
retries with backoff for what is worth retrying, and errors that say what failed without
leaking the key."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import logging
import random
import socket
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import odoolib
from odoolib.tools import AuthenticationError, JsonRPCException

from sync import pieces
from sync.config import Settings

FIELD_ATTRIBUTES = ["type", "relation", "store", "string"]

log = logging.getLogger(__name__)
# bodies are made piece by piece (sync/pieces.py): a whole plan in one json.dumps kept every
# /quote waiting while it was encoded
JSON_BODY = {"Content-Type": "application/json"}
# a timeout of this thread's next calls other than the connection's own (see
# OdooClient.call_applying)
_CALL = threading.local()


def _timeout(default: float) -> float:
    seconds: float | None = getattr(_CALL, "timeout", None)
    return default if seconds is None else seconds
# odoo-client-lib logs every call's arguments at DEBUG, the password or API key among them:
# keep it quiet whatever level the service runs at.
logging.getLogger("odoolib").setLevel(logging.WARNING)


class OdooError(RuntimeError):
    """Odoo refused a call or could not be reached; ``transient`` says whether retrying later
    may help."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class _TimeoutSafeTransport(xmlrpc.client.SafeTransport):
    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPSConnection:
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


def _no_cookies() -> http.cookiejar.CookieJar:
    """A cookie jar that keeps none (Odoo's session cookie is of no use to an API client)."""
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


class XmlRpcConnector(odoolib.XmlRPCConnector):
    """odoo-client-lib's XML-RPC connector with a base URL (scheme, host, port, path) and a
    timeout on every call."""

    PROTOCOL = "xmlrpc"

    def __init__(self, base_url: str, timeout: float):
        self.url = f"{base_url}/xmlrpc/2"
        self.timeout = timeout
        self.https = base_url.startswith("https:")

    def send(self, service_name: str, method: str, *args: Any) -> Any:
        timeout = _timeout(self.timeout)
        transport = (_TimeoutSafeTransport(timeout) if self.https
                     else _TimeoutTransport(timeout))
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/{service_name}", transport=transport,
                                          allow_none=True)
        return getattr(proxy, method)(*args)


class JsonRpcConnector(odoolib.JsonRPCConnector):
    """odoo-client-lib's JSON-RPC connector with a base URL and a timeout on every call."""

    PROTOCOL = "jsonrpc"

    def __init__(self, base_url: str, timeout: float):
        self.url = f"{base_url}/jsonrpc"
        self.timeout = timeout
        # one client, whose connections are kept between calls (and shared by the reader's
        # threads), with no cookie: the credentials go with every call
        self._http = httpx.Client(timeout=timeout, cookies=_no_cookies(),
                                  headers={"User-Agent": "capacity-promise"})

    def send(self, service_name: str, method: str, *args: Any) -> Any:
        payload = {"jsonrpc": "2.0", "method": "call", "id": random.randint(0, 10**9),
                   "params": {"service": service_name, "method": method, "args": args}}
        response = self._http.post(self.url, content=pieces.dumps(payload).encode(),
                                   headers=JSON_BODY, timeout=_timeout(self.timeout))
        response.raise_for_status()
        result = response.json()
        if result.get("error"):
            raise JsonRPCException(result["error"])
        return result.get("result", False)


# JSON-2 takes named arguments only: the names of the positional arguments the service (and its
# tests and bench tools) pass, per method; any other method takes only the record ids.
POSITIONAL: dict[str, tuple[str, ...]] = {
    "search": ("domain",), "search_count": ("domain",), "search_read": ("domain",),
    "fields_get": ("allfields",), "create": ("vals_list",), "read": ("ids", "fields"),
    "write": ("ids", "vals"), "unlink": ("ids",), "default_get": ("fields",),
    "apply_plan": ("payload",),
    "get_service_settings": (), "context_get": (),
}


class Json2Error(Exception):
    """An error answer of Odoo's JSON-2 API: the HTTP status and what the body says."""

    def __init__(self, status: int, name: str, message: str):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.name = name
        self.message = message


def json2_arguments(model: str, method: str, args: tuple[Any, ...],
                    kwargs: dict[str, Any]) -> dict[str, Any]:
    """The JSON-2 body of ``model.method(*args, **kwargs)``: positional arguments named as the
    method's signature names them (the record ids as ``ids``)."""
    names = POSITIONAL.get(method, ("ids",))
    if len(args) > len(names):
        raise ValueError(f"{model}.{method} over JSON-2: pass arguments after the first "
                         f"{len(names)} by name")
    body = dict(zip(names, args, strict=False))
    if "ids" in body and isinstance(body["ids"], int):
        body["ids"] = [body["ids"]]
    clash = set(body) & set(kwargs)
    if clash:
        raise ValueError(f"{model}.{method}: {', '.join(sorted(clash))} given twice")
    return {**body, **kwargs}


class Json2Transport:
    """Odoo 19's JSON-2 API: ``POST /json/2/<model>/<method>`` with the arguments by name, the
    API key as a bearer token and the database in ``X-Odoo-Database``.

    No session cookie is kept: Odoo refuses (403) a request carrying both a session cookie and
    the database header, and JSON-2 needs no session.
    """

    def __init__(self, base_url: str, database: str, api_key: str, timeout: float):
        self.base_url = base_url
        self.timeout = timeout
        # nothing to clear between calls, which the reader makes from several threads at once
        self._http = httpx.Client(base_url=base_url, timeout=timeout, cookies=_no_cookies(),
                                  headers={"Authorization": f"bearer {api_key}",
                                           "X-Odoo-Database": database,
                                           "User-Agent": "capacity-promise"})

    def call(self, model: str, method: str, args: tuple[Any, ...],
             kwargs: dict[str, Any]) -> Any:
        body = json2_arguments(model, method, args, kwargs)
        response = self._http.post(f"/json/2/{model}/{method}",
                                   content=pieces.dumps(body).encode(), headers=JSON_BODY,
                                   timeout=_timeout(self.timeout))
        if response.status_code >= 400:
            raise _json2_error(response)
        result = response.json()
        if method == "create" and isinstance(body.get("vals_list"), dict) and \
                isinstance(result, list) and len(result) == 1:
            return result[0]  # one record's values give its id, as over XML-RPC
        return result

    def close(self) -> None:
        self._http.close()


def _json2_error(response: httpx.Response) -> Json2Error | httpx.HTTPStatusError:
    """Odoo's error body (``name``, ``message``; the traceback in ``debug`` stays out), or the
    plain HTTP error when something else (a proxy) answered."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or "message" not in body:
        return httpx.HTTPStatusError(f"HTTP {response.status_code}", request=response.request,
                                     response=response)
    message = str(body.get("message") or "").strip().splitlines()
    return Json2Error(response.status_code, str(body.get("name") or ""),
                      message[0] if message else f"HTTP {response.status_code}")


def server_version(base_url: str, timeout: float) -> tuple[int, str]:
    """(major version, version string) from ``/web/webclient/version_info``, which needs no
    login."""
    response = httpx.post(f"{base_url}/web/webclient/version_info",
                          json={"jsonrpc": "2.0", "method": "call", "params": {}},
                          timeout=timeout)
    response.raise_for_status()
    info = response.json().get("result") or {}
    version_info = info.get("server_version_info") or [0]
    major = version_info[0]
    if isinstance(major, str):  # "saas~17.2" style
        major = int(float(major.split("~")[-1]))
    return int(major), str(info.get("server_version", major))


class OdooClient:
    """One authenticated connection to one Odoo database.

    Every call has the configured timeout; transient failures (connection refused or reset,
    timeouts, 502/503/504) are retried with exponential backoff, other errors are raised at once
    as :class:`OdooError` naming the model and method.
    """

    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep):
        settings.require_odoo()
        self.settings = settings
        self.base_url = settings.odoo_url.rstrip("/")
        self.sleep = sleep
        self.version = 0
        self.version_string = ""
        self.protocol = settings.odoo_protocol
        self.uid: int | None = None
        self.calls = 0
        self._calls_lock = threading.Lock()  # the reader calls from several threads at once
        self._connect_lock = threading.Lock()
        self._connection: Any = None
        # model -> (fields found, names asked for; None: all)
        self._fields: dict[str, tuple[dict[str, dict[str, Any]], set[str] | None]] = {}

    @property
    def address(self) -> str:
        """Where Odoo is, for messages (never with credentials)."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")

    def connect(self) -> None:
        """Find the server version, choose the protocol, log in (once, whichever thread asks
        first: the connection is then shared, each call opening its own HTTP request)."""
        if self._connection is not None:
            return
        with self._connect_lock:
            if self._connection is None:
                self._connect()

    def _connect(self) -> None:
        settings = self.settings
        self.version, self.version_string = self._retrying(
            "version", lambda: server_version(self.base_url, settings.odoo_timeout))
        if self.protocol == "auto":
            # JSON-RPC up to 18: Odoo encodes and parses JSON in C, where XML-RPC's
            # marshalling is Python (at size M a read takes a third less time, and a plan
            # of several megabytes parses in milliseconds instead of over a second)
            self.protocol = "json2" if self.version >= 19 else "jsonrpc"
        key = settings.odoo_api_key.reveal()
        if self.protocol == "json2":
            transport = Json2Transport(self.base_url, settings.odoo_db, key,
                                       settings.odoo_timeout)
            try:
                context = self._retrying("login", lambda: transport.call(
                    "res.users", "context_get", (), {}))
            except OdooError as error:
                transport.close()
                if "denied access" in str(error):
                    raise OdooError(f"Odoo at {self.address} refused the API key on database "
                                    f"'{settings.odoo_db}': check the key (JSON-2 takes an API "
                                    "key, not a password)") from error
                raise
            self.uid = int(context.get("uid") or 0) or None
            self._connection = transport
        else:
            connector = (JsonRpcConnector if self.protocol == "jsonrpc"
                         else XmlRpcConnector)(self.base_url, settings.odoo_timeout)
            connection = odoolib.Connection(connector, settings.odoo_db, settings.odoo_login,
                                            key)
            try:
                self._retrying("login", lambda: connection.check_login(force=True))
            except AuthenticationError as error:
                raise OdooError(f"Odoo at {self.address} refused the login "
                                f"'{settings.odoo_login}' on database '{settings.odoo_db}': "
                                "check the login and API key") from error
            self.uid = connection.user_id
            self._connection = connection
        log.info("connected to Odoo %s at %s (database %s, %s)", self.version_string,
                 self.address, settings.odoo_db, self.protocol)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """``model.method(*args, **kwargs)`` on the server."""
        return self._retrying(f"{model}.{method}", self._invoker(model, method, args, kwargs))

    def call_applying(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """A call that changes Odoo and may take long (applying a plan): allowed
        ``apply_timeout`` seconds, and retried only when it never reached Odoo. Once sent,
        a timeout or a lost connection may mean Odoo is still at work: sending it again would
        make two transactions apply the same plan at once, so the failure is reported and the
        next poll sends the plan again (Odoo answers "already applied" if the first one
        went through)."""
        invoke = self._invoker(model, method, args, kwargs)
        _CALL.timeout = self.settings.apply_timeout
        try:
            return self._retrying(f"{model}.{method}", invoke, once_sent=True)
        finally:
            _CALL.timeout = None

    def _invoker(self, model: str, method: str, args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> Callable[[], Any]:
        """The call, connected, to be made (and made again) by :meth:`_retrying`."""
        self.connect()
        connection = self._connection
        if self.protocol == "json2":
            return lambda: connection.call(model, method, args, kwargs)
        return lambda: connection.get_service("object").execute_kw(
            connection.database, connection.user_id, connection.password, model, method,
            list(args), kwargs)

    def fields(self, model: str, names: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """``fields_get`` of a model (cached): which of ``names`` (default: all its fields)
        this Odoo version has. Asking for the names one needs spares Odoo describing the
        hundreds of others, which costs it a quarter of a second a model on a busy server."""
        wanted = None if names is None else set(names)
        known, asked = self._fields.get(model, ({}, set()))
        if asked is None or (wanted is not None and wanted <= asked):
            return known
        missing = None if wanted is None else sorted(wanted - asked)
        if missing is None:
            answer = self.call(model, "fields_get", attributes=FIELD_ATTRIBUTES)
        else:
            answer = self.call(model, "fields_get", missing, attributes=FIELD_ATTRIBUTES)
        known = {**known, **answer}
        self._fields[model] = (known, None if wanted is None else asked | wanted)
        return known

    def search_read(self, model: str, domain: list[Any], fields: list[str],
                    order: str = "id", limit: int | None = None,
                    context: dict[str, Any] | None = None,
                    load: str | None = "_classic_read") -> list[dict[str, Any]]:
        """``search_read``; ``load=None`` sends many2one values as bare ids, which spares
        Odoo computing a display name for every related record."""
        kwargs: dict[str, Any] = {"fields": fields, "order": order}
        if load != "_classic_read":
            kwargs["load"] = load
        if limit:
            kwargs["limit"] = limit
        if context:
            kwargs["context"] = context
        result: list[dict[str, Any]] = self.call(model, "search_read", domain, **kwargs)
        return result

    def read_pages(self, model: str, domain: list[Any], fields: list[str], page_size: int,
                   context: dict[str, Any] | None = None,
                   load: str | None = "_classic_read") -> Iterator[list[dict[str, Any]]]:
        """All matching records in pages, by increasing id (keyset paging: no offsets, so a
        record created or deleted meanwhile cannot shift a page)."""
        last_id = 0
        while True:
            page = self.search_read(model, [*domain, ("id", ">", last_id)], fields, "id asc",
                                    page_size, context, load)
            if page:
                yield page
            if len(page) < page_size:
                return
            last_id = page[-1]["id"]

    def _retrying(self, what: str, invoke: Callable[[], Any], once_sent: bool = False) -> Any:
        retries = self.settings.odoo_retries
        delay = 0.5
        for attempt in range(retries + 1):
            try:
                with self._calls_lock:
                    self.calls += 1
                return invoke()
            except (AuthenticationError, OdooError):
                raise
            except Exception as error:  # classified below; nothing is swallowed
                failure = self._classify(what, error)
                if not failure.transient or attempt == retries or \
                        (once_sent and not _never_sent(error)):
                    raise failure from error
                log.warning("%s (attempt %d of %d, retrying in %.1f s)", failure, attempt + 1,
                            retries + 1, delay)
                self.sleep(delay * random.uniform(0.8, 1.2))
                delay = min(delay * 2, 30.0)
        raise AssertionError("unreachable")

    def _classify(self, what: str, error: Exception) -> OdooError:
        where = f"Odoo at {self.address}"
        if isinstance(error, xmlrpc.client.Fault):
            message = _fault_message(error.faultString)
            if "AccessDenied" in error.faultString or message == "Access Denied":
                return OdooError(f"{where} denied access for {what}: check the login and API key")
            return OdooError(f"{where} refused {what}: {message}")
        if isinstance(error, JsonRPCException):
            data = error.error.get("data") or {} if isinstance(error.error, dict) else {}
            message = data.get("message") or str(error.error)
            if str(data.get("name", "")).endswith("AccessDenied"):
                return OdooError(f"{where} denied access for {what}: check the login and API key")
            return OdooError(f"{where} refused {what}: {message}")
        if isinstance(error, Json2Error):
            if error.status == 401 or error.name.endswith("AccessDenied"):
                return OdooError(f"{where} denied access for {what}: check the API key")
            transient = error.status in (429, 502, 503, 504)
            return OdooError(f"{where} refused {what}: {error.message}", transient)
        if isinstance(error, xmlrpc.client.ProtocolError):
            transient = error.errcode in (429, 502, 503, 504)
            return OdooError(f"{where} answered HTTP {error.errcode} to {what}", transient)
        if isinstance(error, httpx.HTTPStatusError):
            code = error.response.status_code
            return OdooError(f"{where} answered HTTP {code} to {what}",
                             code in (429, 502, 503, 504))
        if isinstance(error, (TimeoutError, socket.timeout, httpx.TimeoutException)):
            return OdooError(f"{where} did not answer {what} within "
                             f"{_timeout(self.settings.odoo_timeout):g} s", transient=True)
        if isinstance(error, (ConnectionError, OSError, httpx.TransportError,
                              http.client.HTTPException)):
            return OdooError(f"{where} could not be reached for {what}: "
                             f"{type(error).__name__}: {error}", transient=True)
        if isinstance(error, (json.JSONDecodeError, xmlrpc.client.ResponseError)):
            return OdooError(f"{where} sent an unreadable answer to {what}", transient=True)
        return OdooError(f"{what} failed: {type(error).__name__}: {error}")


def _never_sent(error: Exception) -> bool:
    """Whether a failed call surely never reached Odoo (no connection was made)."""
    return isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, ConnectionRefusedError))


def _fault_message(fault: str) -> str:
    """What an Odoo fault says, without its traceback (which stays on the server): the last
    line of a traceback, or the first line of a plain message (an access error's first line
    names the model; the rest lists groups)."""
    lines = [line.strip() for line in fault.strip().splitlines() if line.strip()]
    if not lines:
        return "unknown error"
    message = lines[-1] if lines[0].startswith("Traceback") else lines[0]
    for prefix in ("odoo.exceptions.", "builtins."):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return message
