"""FakeOdoo: a loopback HTTP server that speaks Odoo 17's XML-RPC and JSON-RPC, and Odoo 19's
JSON-2 when it plays 19.

It answers the real client code (odoo-client-lib, ``xmlrpc.client``, ``httpx``) with the data of a
recording made from a real Odoo 17 (as 18 or 19 would serve it with ``series=``, see
:mod:`fake_odoo.dialect`), reports errors with the fault codes, fault strings and JSON
error objects Odoo 17 sends, and lets a test inject what production brings: slow answers,
access errors, dropped connections, proxy errors and restarts. Every request is logged in
:attr:`FakeOdoo.calls` so a test can count what a poll cost.

    with start_fake_odoo() as odoo:
        conn = odoolib.get_connection(hostname=odoo.host, port=odoo.port, database=odoo.db,
                                      login=odoo.login, password=odoo.password)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import socket
import struct
import threading
import traceback
import uuid
import xmlrpc.client
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple

from .dataset import Dataset
from .dialect import to_series
from .exceptions import AccessDenied, AccessError, OperationalError, UserError
from .orm import (
    CustomMethod,
    NotFound,
    Unprocessable,
    access_error,
    call_json2,
    call_kw,
)

TEST_DB = "fake_odoo17"
TEST_PASSWORD = "fake-odoo-password"  # noqa: S105 - a test credential, accepted only by the fake
TEST_API_KEY = "0123456789abcdef0123456789abcdef01234567"  # the shape of an Odoo API key

FAULT_KINDS = ("connection", "reset", "http502", "http503", "restart")
XMLRPC_PATH = re.compile(r"^/xmlrpc/(?P<v2>2/)?(?P<service>[^/]+)$")
JSON2_PATH = re.compile(r"^/json/2/(?P<model>[^/]+)/(?P<method>[^/]+)$")
BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)
CONTROL_CHARACTERS = dict.fromkeys(set(range(32)) - {9, 10, 13})
PROXY_ERROR_BODY = (
    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class Call(NamedTuple):
    """One request the fake received. ``size`` is None when the call failed."""

    service: str
    model: str | None
    method: str
    args: str
    size: int | None


@dataclass
class _Armed:
    """An injected fault for the next ``remaining`` matching calls (None: until cleared)."""

    kind: str
    remaining: int | None
    model: str | None = None
    method: str | None = None
    seconds: float = 0.0

    def matches(self, model: str | None, method: str) -> bool:
        return (self.model is None or self.model == model) and (
            self.method is None or self.method == method)


class _Request(NamedTuple):
    service: str
    method: str
    params: list[Any]
    model: str | None
    model_method: str


class FakeOdoo:
    """A fake Odoo 17 on 127.0.0.1 serving a recorded dataset; see the module docstring.

    :param dataset_path: recording to serve (default: the bundled Odoo 17 demo recording).
    :param port: 0 picks a free port; :meth:`restart` keeps the port.
    :param db: the only database name the fake knows; other names fail as in Odoo.
    :param series: "17.0" (the recording as made), "18.0" or "19.0" (its fields as those series
        name them; 19 also answers JSON-2).

    Any user of the recording logs in with :data:`TEST_PASSWORD` or :data:`TEST_API_KEY`;
    JSON-2 takes only the API key.
    """

    def __init__(self, dataset_path: str | Path | None = None, *, dataset: Dataset | None = None,
                 host: str = "127.0.0.1", port: int = 0, db: str = TEST_DB,
                 series: str = "17.0") -> None:
        self.dataset = dataset or Dataset.from_file(dataset_path)
        if series != "17.0":
            to_series(self.dataset, series)
        self.series = series
        self.host = host
        self.port = port
        self.db = db
        self.password = TEST_PASSWORD
        self.api_key = TEST_API_KEY
        self.calls: list[Call] = []
        self._custom: dict[tuple[str, str], CustomMethod] = {}
        self._faults: list[_Armed] = []
        self._lock = threading.RLock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._closed = False

    # ------------------------------------------------------------------ identity

    @property
    def login(self) -> str:
        """Login of the recorded user (the one the recording was made with)."""
        return str(self.dataset.users[0]["login"])

    @property
    def uid(self) -> int:
        """Database id of the recorded user."""
        return int(self.dataset.users[0]["id"])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:38211``."""
        return f"http://{self.host}:{self.port}"

    @property
    def now(self) -> dt.datetime:
        """The server clock (naive UTC) used for ``write_date``; settable."""
        return self.dataset.now

    @now.setter
    def now(self, value: dt.datetime) -> None:
        self.dataset.now = value

    def connection(self, protocol: str = "xmlrpc", password: str | None = None) -> Any:
        """An odoo-client-lib connection to this server (``xmlrpc`` or ``jsonrpc``)."""
        import odoolib

        return odoolib.get_connection(
            hostname=self.host, protocol=protocol, port=self.port, database=self.db,
            login=self.login, password=password or self.password)

    # ------------------------------------------------------------------ life cycle

    def start(self) -> FakeOdoo:
        """Start listening (on the same port as before after a :meth:`stop`)."""
        self._closed = False
        if self._httpd is not None:
            return self
        self._stopping = threading.Event()
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.fake = self
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"fake-odoo-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and drop every open connection (delayed answers are never sent)."""
        with self._lock:
            httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        for sock in list(self._connections):
            _drop(sock)
        if self._thread is not None:
            self._thread.join()

    def restart(self, downtime: float = 0.0) -> None:
        """Stop, stay down ``downtime`` seconds (connections refused), start on the same port."""
        self.stop()
        if downtime:
            threading.Event().wait(downtime)
        self.start()

    def close(self) -> None:
        """Stop for good: a restart still pending (``fail_next(kind="restart")``) is cancelled."""
        with self._lock:
            self._closed = True
            self.stop()

    def _start_later(self, downtime: float) -> None:
        threading.Event().wait(downtime)
        with self._lock:
            if not self._closed:
                self.start()

    def __enter__(self) -> FakeOdoo:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ test hooks

    def register_method(self, model: str, method: str, function: CustomMethod) -> None:
        """Answer ``execute_kw(db, uid, key, model, method, args, kwargs)`` with a function.

        It is called as ``function(*args, **kwargs)``, without the ``context`` keyword. It may
        raise the exceptions of :mod:`fake_odoo.exceptions` to fail as an addon would; its
        return value goes over the wire as is (None fails to marshal on XML-RPC, as in Odoo).
        """
        self._custom[(model, method)] = function

    def delay(self, seconds: float, calls: int | None = 1, model: str | None = None,
              method: str | None = None) -> None:
        """Hold the answer to the next ``calls`` matching requests for ``seconds``."""
        self._arm(_Armed("delay", calls, model, method, seconds))

    def fail_access(self, model: str, calls: int | None = None, method: str | None = None) -> None:
        """Raise Odoo's AccessError for calls on ``model`` (all of them until cleared)."""
        self._arm(_Armed("access", calls, model, method))

    def fail_next(self, n: int = 1, kind: str = "connection", model: str | None = None,
                  method: str | None = None, downtime: float = 0.2) -> None:
        """Make the next ``n`` matching requests fail at the transport level.

        ``kind``: ``connection`` closes the socket without an answer, ``reset`` resets it,
        ``http502``/``http503`` answer as a reverse proxy whose Odoo is gone, ``restart`` drops
        the request and restarts the server (down for ``downtime`` seconds).

        Note that ``xmlrpc.client`` itself retries a call once when the connection is closed or
        reset, so one ``connection``/``reset`` fault is invisible to an XML-RPC caller.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}")
        self._arm(_Armed(kind, n, model, method, downtime))

    def clear_faults(self) -> None:
        """Disarm every injected fault."""
        with self._lock:
            self._faults.clear()

    def calls_for(self, model: str | None = None, method: str | None = None,
                  service: str | None = None) -> list[Call]:
        """The logged calls matching every given filter."""
        return [c for c in list(self.calls)
                if (model is None or c.model == model) and (method is None or c.method == method)
                and (service is None or c.service == service)]

    def reset_calls(self) -> None:
        """Forget the logged calls."""
        with self._lock:
            self.calls.clear()

    def _arm(self, fault: _Armed) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, kinds: tuple[str, ...], model: str | None,
                    method: str) -> _Armed | None:
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and fault.matches(model, method):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    # ------------------------------------------------------------------ HTTP

    def _handle(self, handler: _Handler) -> None:
        path = handler.path.split("?", 1)[0]
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        xmlrpc_match = XMLRPC_PATH.match(path)
        if xmlrpc_match:
            self._serve_xmlrpc(handler, body, xmlrpc_match["service"], bool(xmlrpc_match["v2"]))
        elif path in ("/jsonrpc", "/web/webclient/version_info"):
            self._serve_jsonrpc(handler, body, path)
        elif path.startswith("/json/2") and self.series >= "19.0":
            self._serve_json2(handler, body, path)
        else:
            _send(handler, 404, "text/html; charset=utf-8", _html_error(404, "Not Found"))

    def _serve_xmlrpc(self, handler: _Handler, body: bytes, service: str, v2: bool) -> None:
        try:
            params, method = xmlrpc.client.loads(body)
        except Exception as error:  # noqa: BLE001 - Odoo answers even unreadable calls with a fault
            self._log(_Request(service, "<unparsable>", [], None, "<unparsable>"), failed=True)
            _send(handler, 200, "text/xml; charset=utf-8", _xmlrpc_fault(error, v2).encode())
            return
        request = self._describe(service, method or "", list(params))
        if not self._before_dispatch(handler, request):
            return
        try:
            result = self._dispatch(request)
            response = xmlrpc.client.dumps((_scrub(result),), methodresponse=True,
                                           allow_none=False)
        except Exception as error:  # noqa: BLE001 - Odoo turns every error into a fault
            self._log(request, failed=True)
            response = _xmlrpc_fault(error, v2)
        else:
            self._log(request, result)
        _send(handler, 200, "text/xml; charset=utf-8", response.encode("utf-8"))

    def _serve_jsonrpc(self, handler: _Handler, body: bytes, path: str) -> None:
        content_type = handler.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type not in ("application/json", "application/json-rpc"):
            message = (f"Request inferred type is compatible with ['http'] but '{path}' "
                       "is type='json'.")
            _send(handler, 400, "text/html; charset=utf-8", _html_error(400, "Bad Request",
                                                                          message))
            return
        try:
            payload = json.loads(body or b"null")
            params = dict(payload.get("params") or {})
            request_id = payload.get("id")
        except (ValueError, AttributeError, TypeError):
            _send(handler, 400, "text/html; charset=utf-8", b"Invalid JSON data")
            return
        if path == "/web/webclient/version_info":
            request = _Request("web", "version_info", [], None, "version_info")
        else:
            request = self._describe(str(params.get("service")), str(params.get("method")),
                                     list(params.get("args") or []))
        if not self._before_dispatch(handler, request):
            return
        response: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
        try:
            if request.service != "web" and not {"service", "method", "args"} <= set(params):
                missing = sorted({"service", "method", "args"} - set(params))
                raise TypeError(f"RPC.jsonrpc() missing required positional argument: "
                                f"{missing[0]!r}")
            result = self._dispatch(request)
        except Exception as error:  # noqa: BLE001
            self._log(request, failed=True)
            response["error"] = {"code": 200, "message": "Odoo Server Error",
                                 "data": _serialize_exception(error)}
        else:
            self._log(request, result)
            if result is not None:
                response["result"] = result
        _send(handler, 200, "application/json; charset=utf-8",
              json.dumps(response, default=str).encode("utf-8"))

    def _serve_json2(self, handler: _Handler, body: bytes, path: str) -> None:
        """Odoo 19's ``/json/2/<model>/<method>``: bearer API key, ``X-Odoo-Database``, the
        arguments by name; errors as an HTTP status with Odoo's serialized exception."""
        match = JSON2_PATH.match(path)
        if match is None:
            _send_json(handler, 404, _json2_body("werkzeug.exceptions.NotFound",
                                                 "Did you mean POST /json/2/<model>/<method>?"))
            return
        model, method = match["model"], match["method"]
        bearer = BEARER.match(handler.headers.get("Authorization") or "")
        database = handler.headers.get("X-Odoo-Database")
        if handler.headers.get("Cookie") and database:
            _send_json(handler, 403, _json2_body(
                "werkzeug.exceptions.Forbidden",
                "Cannot use both the session_id cookie and the x-odoo-database header."))
            return
        if database is not None and database != self.db:
            _send_json(handler, 404, _json2_body("werkzeug.exceptions.NotFound",
                                                 "The requested URL was not found."))
            return
        if bearer is None or bearer[1] != self.api_key:
            self._log(_Request("json2", method, [], model, method), failed=True)
            _send_json(handler, 401, _json2_body("werkzeug.exceptions.Unauthorized",
                                                 "Invalid apikey"))
            return
        try:
            arguments = json.loads(body or b"{}")
            if not isinstance(arguments, dict):
                raise ValueError("not an object")
        except ValueError as error:
            _send_json(handler, 400, _json2_body("werkzeug.exceptions.BadRequest",
                                                 f"could not parse the body as json: {error}"))
            return
        request = _Request("json2", method, [self.db, self.uid, "", model, method, arguments],
                           model, method)
        if not self._before_dispatch(handler, request):
            return
        ids = list(arguments.pop("ids", []) or [])
        context = arguments.pop("context", None)
        try:
            with self._lock:
                fault = self._take_fault(("access",), model, method)
                if fault is not None:
                    target = self.dataset.models.get(model)
                    raise (access_error(target, method) if target is not None else
                           AccessError(f"You are not allowed to access '{model}' ({model}) "
                                       "records."))
                result = call_json2(self.dataset, self.uid, model, method, ids, context,
                                    arguments, self._custom)
        except Exception as error:  # noqa: BLE001 - Odoo answers every error with a status
            self._log(request, failed=True)
            _send_json(handler, _json2_status(error), _json2_body(
                _exception_name(error), str(error), list(error.args), _traceback(error)))
            return
        self._log(request, result)
        # Odoo hands out a session with every answer; sent back with the database header,
        # the next request would be refused (above)
        _send_json(handler, 200, result, {
            "Set-Cookie": f"session_id={uuid.uuid4().hex}; Path=/; HttpOnly; SameSite=Lax"})

    def _before_dispatch(self, handler: _Handler, request: _Request) -> bool:
        """Apply injected transport faults and delays; False when the request must go unanswered."""
        fault = self._take_fault(FAULT_KINDS, request.model, request.model_method)
        if fault is not None:
            self._log(request, failed=True)
            if fault.kind in ("http502", "http503"):
                code = 502 if fault.kind == "http502" else 503
                reason = "Bad Gateway" if code == 502 else "Service Temporarily Unavailable"
                _send(handler, code, "text/html",
                      PROXY_ERROR_BODY.format(code=code, reason=reason).encode())
                return False
            handler.close_connection = True
            if fault.kind == "restart":
                # stop listening before the client can retry; come back after the downtime
                self.stop()
                threading.Thread(target=self._start_later, args=(fault.seconds,),
                                 daemon=True).start()
            else:
                _drop(handler.connection, reset=fault.kind == "reset")
            return False
        delay = self._take_fault(("delay",), request.model, request.model_method)
        if delay is not None and self._stopping.wait(delay.seconds):
            _drop(handler.connection)
            handler.close_connection = True
            return False
        return True

    # ------------------------------------------------------------------ RPC services

    def _describe(self, service: str, method: str, params: list[Any]) -> _Request:
        model = model_method = None
        if service == "object" and method in ("execute", "execute_kw") and len(params) >= 5:
            model, model_method = params[3], params[4]
        return _Request(service, method, params, model if isinstance(model, str) else None,
                        str(model_method or method))

    def _dispatch(self, request: _Request) -> Any:
        if request.service == "web":
            return dict(self.dataset.version)
        services: dict[str, Callable[[str, list[Any]], Any]] = {
            "common": self._common, "db": self._db, "object": self._object}
        if request.service not in services:
            raise KeyError(request.service)
        with self._lock:
            return services[request.service](request.method, request.params)

    def _common(self, method: str, params: list[Any]) -> Any:
        def version() -> dict[str, Any]:
            return dict(self.dataset.version)

        def login(db: str, login: str, password: str) -> int | bool:
            return authenticate(db, login, password, None)

        def authenticate(db: str, login: str, password: str,
                         user_agent_env: Mapping[str, Any] | None) -> int | bool:
            self._check_db(db)
            user = next((u for u in self.dataset.users if u["login"] == login), None)
            if user is None or password not in (self.password, self.api_key):
                return False
            return int(user["id"])

        def about(extended: bool = False) -> Any:
            info = "See http://openerp.com"
            return [info, self.dataset.version.get("server_version")] if extended else info

        exported: dict[str, Callable[..., Any]] = {
            "version": version, "login": login, "authenticate": authenticate, "about": about}
        if method not in exported:
            raise Exception(f"Method not found: {method}")  # noqa: TRY002 - Odoo's own words
        return exported[method](*params)

    def _db(self, method: str, params: list[Any]) -> Any:
        exported: dict[str, Callable[..., Any]] = {
            "list": lambda document=False: [self.db],
            "server_version": lambda: self.dataset.version.get("server_version"),
            "db_exist": lambda db_name: db_name == self.db,
        }
        if method not in exported:
            raise KeyError(method)
        return exported[method](*params)

    def _object(self, method: str, params: list[Any]) -> Any:
        db, uid, password = params[0], int(params[1]), params[2]
        self._check_db(db)
        users = {int(u["id"]) for u in self.dataset.users}
        if uid not in users or password not in (self.password, self.api_key):
            raise AccessDenied()
        if method == "execute_kw":
            model, model_method, args = params[3], params[4], params[5]
            kwargs = params[6] if len(params) > 6 else None
        elif method == "execute":
            model, model_method, args, kwargs = params[3], params[4], params[5:], None
        else:
            raise NameError(f"Method not available {method}")
        fault = self._take_fault(("access",), model, model_method)
        if fault is not None:
            target = self.dataset.models.get(model)
            if target is None:
                raise AccessError(f"You are not allowed to access '{model}' ({model}) records.")
            raise access_error(target, model_method)
        return call_kw(self.dataset, uid, model, model_method, args, kwargs or {}, self._custom)

    def _check_db(self, db: str) -> None:
        if db != self.db:
            raise OperationalError(
                f'connection to server at "127.0.0.1", port 5432 failed: FATAL:  database '
                f'"{db}" does not exist\n')

    # ------------------------------------------------------------------ call log

    def _log(self, request: _Request, result: Any = None, failed: bool = False) -> None:
        if request.model is not None:
            summary = _summarize(request.params[5:])
        elif request.method in ("login", "authenticate"):
            summary = _summarize(request.params[:2])  # database and login, never the secret
        else:
            summary = _summarize(request.params)
        size = None if failed else _size(result)
        with self._lock:
            self.calls.append(Call(request.service, request.model, request.model_method, summary,
                                   size))


def start_fake_odoo(dataset_path: str | Path | None = None, series: str = "17.0") -> FakeOdoo:
    """Start a FakeOdoo (of ``series``) on a free loopback port; use it as a context manager
    to stop it."""
    return FakeOdoo(dataset_path, series=series).start()


# ---------------------------------------------------------------------- HTTP plumbing


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeOdoo

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that gave up (timeout) or a dropped connection is part of the test
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Werkzeug/2.2.2"
    sys_version = "Python/3.11.7"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.fake._connections.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.fake._connections.discard(self.connection)

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.server.fake._handle(self)

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        if XMLRPC_PATH.match(path) or path in ("/jsonrpc", "/web/webclient/version_info"):
            _send(self, 405, "text/html; charset=utf-8", _html_error(405, "Method Not Allowed"))
        else:
            _send(self, 404, "text/html; charset=utf-8", _html_error(404, "Not Found"))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def _send(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes,
          headers: dict[str, str] | None = None) -> None:
    try:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("X-Content-Type-Options", "nosniff")
        # Odoo's werkzeug server closes every connection after one answer
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
    except OSError:
        pass  # the client is gone (timed out, or the server was stopped meanwhile)
    handler.close_connection = True


def _send_json(handler: BaseHTTPRequestHandler, status: int, value: Any,
               headers: dict[str, str] | None = None) -> None:
    _send(handler, status, "application/json; charset=utf-8",
          json.dumps(value, default=str).encode("utf-8"), headers)


def _drop(sock: socket.socket, reset: bool = False) -> None:
    try:
        if reset:
            # linger on, timeout 0: close() sends a TCP reset instead of a clean FIN
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        else:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _html_error(code: int, reason: str, message: str | None = None) -> bytes:
    text = message or {
        404: "The requested URL was not found on the server. If you entered the URL manually "
             "please check your spelling and try again.",
        405: "The method is not allowed for the requested URL.",
    }.get(code, "")
    return (f"<!doctype html>\n<html lang=en>\n<title>{code} {reason}</title>\n"
            f"<h1>{reason}</h1>\n<p>{text}</p>\n").encode()


# ---------------------------------------------------------------------- Odoo's error shapes


def _xmlrpc_fault(error: Exception, v2: bool) -> str:
    """The fault Odoo 17's ``xmlrpc_handle_exception_int`` / ``_string`` would send."""
    message = str(error)
    if v2:
        if isinstance(error, AccessError):
            fault = xmlrpc.client.Fault(4, message)
        elif isinstance(error, AccessDenied):
            fault = xmlrpc.client.Fault(3, message)
        elif isinstance(error, UserError):
            fault = xmlrpc.client.Fault(2, message)
        else:
            fault = xmlrpc.client.Fault(1, _traceback(error))
    # the legacy endpoint sends string fault codes, as Odoo still does
    elif isinstance(error, AccessError):
        fault = xmlrpc.client.Fault("warning -- AccessError\n\n" + message, "")  # type: ignore[arg-type]
    elif isinstance(error, AccessDenied):
        fault = xmlrpc.client.Fault("AccessDenied", message)  # type: ignore[arg-type]
    elif isinstance(error, UserError):
        name = "MissingError" if type(error).__name__ == "MissingError" else "UserError"
        fault = xmlrpc.client.Fault(f"warning -- {name}\n\n" + message, "")  # type: ignore[arg-type]
    else:
        fault = xmlrpc.client.Fault(message, _traceback(error))  # type: ignore[arg-type]
    return xmlrpc.client.dumps(fault, allow_none=False)


def _serialize_exception(error: Exception) -> dict[str, Any]:
    """``odoo.http.serialize_exception``: the ``data`` of a JSON-RPC error."""
    cls = type(error)
    module = cls.__module__
    return {
        "name": f"{module}.{cls.__name__}" if module else cls.__name__,
        "debug": _traceback(error),
        "message": str(error),
        "arguments": list(error.args),
        "context": {},
    }


def _exception_name(error: Exception) -> str:
    cls = type(error)
    if isinstance(error, NotFound):
        return "werkzeug.exceptions.NotFound"
    if isinstance(error, Unprocessable):
        return "werkzeug.exceptions.UnprocessableEntity"
    return f"{cls.__module__}.{cls.__name__}" if cls.__module__ else cls.__name__


def _json2_status(error: Exception) -> int:
    """The HTTP status Odoo 19 gives an exception (``http_status`` of Odoo's exceptions)."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Unprocessable):
        return 422
    if isinstance(error, (AccessError, AccessDenied)):
        return 403
    if type(error).__name__ == "MissingError":
        return 404
    if isinstance(error, UserError):
        return 422
    return 500


def _json2_body(name: str, message: str, arguments: list[Any] | None = None,
                debug: str = "") -> dict[str, Any]:
    """``odoo.http.serialize_exception``, as JSON-2 sends it."""
    return {"name": name, "message": message, "arguments": arguments or [message],
            "context": {}, "debug": debug}


def _traceback(error: Exception) -> str:
    return "".join(traceback.format_exception(error))


def _scrub(value: Any) -> Any:
    """Odoo's marshaller strips XML-illegal control characters from strings."""
    if isinstance(value, str):
        return value.translate(CONTROL_CHARACTERS)
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(v) for v in value]
    return value


def _summarize(args: Any, width: int = 300) -> str:
    text = repr(args)
    return text if len(text) <= width else text[: width - 3] + "..."


def _size(result: Any) -> int:
    if isinstance(result, (list, tuple, dict)):
        return len(result)
    return 0 if result is False or result is None else 1

