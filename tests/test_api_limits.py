"""The HTTP API under a careless or hostile client, over real sockets: slow clients cannot
hold the API, a request must arrive in time, every refused body gets exactly one answer."""

from __future__ import annotations

import contextlib
import http.client
import socket
import sys
import threading
import time

import pytest
from api_helpers import planned_service, serving  # noqa: F401 - the fixture


@pytest.fixture
def api(planned_service):  # noqa: F811
    with serving(planned_service) as address:
        yield address


def first_line(answer: bytes) -> bytes:
    return answer.split(b"\r\n", 1)[0]


def exchange(address, raw: bytes, timeout: float = 5) -> bytes:
    with socket.create_connection(address, timeout=timeout) as conn:
        conn.sendall(raw)
        conn.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def health_answers(address, timeout: float) -> bool:
    try:
        answer = exchange(address, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                          timeout=timeout)
    except OSError:
        return False
    return first_line(answer).startswith(b"HTTP/1.1 200")


class SlowClients:
    """Connections that send a request one header byte at a time, as slow loris does."""

    def __init__(self, address, count: int, every: float = 0.5):
        self.connections = []
        for _ in range(count):
            conn = socket.create_connection(address, timeout=5)
            conn.sendall(b"POST /quote HTTP/1.1\r\nHost: x\r\n")
            self.connections.append(conn)
        self.every = every
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._drip, daemon=True)
        self.thread.start()

    def _drip(self) -> None:
        while not self.stopped.wait(self.every):
            for conn in self.connections:
                with contextlib.suppress(OSError):
                    conn.send(b"X")

    def closed_by_server(self) -> int:
        closed = 0
        for conn in self.connections:
            conn.settimeout(0.01)
            try:
                if conn.recv(1024) == b"":
                    closed += 1
            except TimeoutError:
                pass
            except OSError:
                closed += 1
        return closed

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(5)
        for conn in self.connections:
            conn.close()


def test_250_slow_clients_do_not_make_the_api_unreachable(api):
    slow = SlowClients(api, 250)
    try:
        time.sleep(1)
        assert health_answers(api, timeout=3)
    finally:
        slow.close()


def test_slow_clients_beyond_the_connection_limit_make_room_for_a_new_one(planned_service):  # noqa: F811
    with serving(planned_service, connection_limit=40) as address:
        slow = SlowClients(address, 60)
        try:
            time.sleep(1)
            assert health_answers(address, timeout=3)
        finally:
            slow.close()


def test_a_request_that_does_not_arrive_in_time_is_closed(planned_service):  # noqa: F811
    with serving(planned_service, header_timeout=1.0, request_timeout=2.0) as address:
        slow = SlowClients(address, 5, every=0.2)
        try:
            deadline = time.monotonic() + 6
            while time.monotonic() < deadline and slow.closed_by_server() < 5:
                time.sleep(0.3)
            assert slow.closed_by_server() == 5
            assert health_answers(address, timeout=3)
        finally:
            slow.close()


def test_a_body_that_does_not_arrive_in_time_is_closed(planned_service):  # noqa: F811
    with serving(planned_service, header_timeout=1.0, request_timeout=1.5) as address, \
            socket.create_connection(address, timeout=5) as conn:
        conn.sendall(b"POST /quote HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        started = time.monotonic()
        while time.monotonic() - started < 5:
            time.sleep(0.2)
            try:
                conn.send(b" ")
            except OSError:
                break
            conn.settimeout(0.01)
            try:
                if conn.recv(1024) == b"":
                    break
            except TimeoutError:
                continue
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("header", [b"Authorization: Bearer wrong\r\n",
                                    b"Authorization: Bearer test-token\r\n"])
def test_a_refused_body_gets_one_answer_and_is_not_the_next_request(api, header):
    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    body = b"[" + smuggled  # not JSON: a 400 with the token, a 401 without
    raw = (b"POST /quote HTTP/1.1\r\nHost: x\r\n" + header +
           b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    answer = exchange(api, raw)
    assert answer.count(b"HTTP/1.1 ") == 1
    assert first_line(answer).split(b" ")[1] in (b"400", b"401")


@pytest.mark.parametrize("length", [b"abc", b"-5", b"1e3", b"99999999999999999999999999"])
def test_a_bad_content_length_is_answered(api, length):
    raw = (b"POST /quote HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-token\r\n"
           b"Content-Length: " + length + b"\r\n\r\n{}")
    answer = exchange(api, raw)
    assert first_line(answer).split(b" ")[1] in (b"400", b"413")


def test_a_serving_api_lets_waiting_threads_take_the_interpreter_within_a_millisecond(
        planned_service):  # noqa: F811
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)  # Python's default
    try:
        with serving(planned_service) as address:
            connection = http.client.HTTPConnection(*address, timeout=10)
            connection.request("GET", "/health")
            connection.getresponse().read()  # answered: the server's loop runs
            connection.close()
            assert sys.getswitchinterval() == pytest.approx(0.001)
    finally:
        sys.setswitchinterval(before)
