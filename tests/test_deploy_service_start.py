"""The service starts from the command the image runs: ENTRYPOINT + CMD of the Dockerfile, with
the image's environment, run as a process of its own against the fake Odoo 17, answers
/health with 200 once its first plan is applied, answers /quote with the token, and stops
cleanly on SIGTERM (what `docker stop` sends)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dockerfile_parse import DockerfileParser
from fake_odoo import TEST_API_KEY, FakeOdoo, start_fake_odoo

from sync.payload import PAYLOAD_VERSION

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60
TOKEN = "deploy-test-token"  # noqa: S105 - a test value


def image_command() -> list[str]:
    """ENTRYPOINT + CMD of the Dockerfile's last stage (exec form)."""
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    entrypoint: list[str] = []
    cmd: list[str] = []
    for item in parser.structure:
        if item["instruction"] == "FROM":
            entrypoint, cmd = [], []
        elif item["instruction"] == "ENTRYPOINT":
            entrypoint = json.loads(item["value"])
        elif item["instruction"] == "CMD":
            cmd = json.loads(item["value"])
    return [*entrypoint, *cmd]


def image_environment() -> dict[str, str]:
    """The CAPACITY_PROMISE_* settings the image sets with ENV."""
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    return {key: value for key, value in parser.envs.items()
            if key.startswith("CAPACITY_PROMISE_")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str, body: dict[str, Any] | None = None,
        token: str | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def odoo() -> Iterator[tuple[FakeOdoo, list[dict[str, Any]]]]:
    applied: list[dict[str, Any]] = []

    def apply_plan(payload: dict[str, Any]) -> dict[str, Any]:
        applied.append(payload)
        return {"run_id": len(applied), "ignored": False}

    with start_fake_odoo() as server:
        # the addon's two methods the service calls, as the addon answers them
        server.register_method("capacity.planner.run", "apply_plan", apply_plan)
        server.register_method("capacity.planner.run", "get_service_settings",
                               lambda: {"quotations_hold_capacity": False, "horizon_days": 180})
        yield server, applied


def test_image_command_serves_health_against_odoo(
        tmp_path: Path, odoo: tuple[FakeOdoo, list[dict[str, Any]]]) -> None:
    server, applied = odoo
    command = image_command()
    assert command == ["capacity-promise", "serve"]
    port = free_port()
    environment = {
        # the image's PATH puts its virtual environment first; here, this checkout's
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        **image_environment(),
        # the image listens on 0.0.0.0 and keeps its state in /data; here, loopback and a
        # temporary directory
        "CAPACITY_PROMISE_LISTEN_HOST": "127.0.0.1",
        "CAPACITY_PROMISE_LISTEN_PORT": str(port),
        "CAPACITY_PROMISE_STATE_URL": f"sqlite:///{tmp_path / 'capacity-promise.sqlite'}",
        "CAPACITY_PROMISE_ODOO_URL": server.url,
        "CAPACITY_PROMISE_ODOO_DB": server.db,
        "CAPACITY_PROMISE_ODOO_LOGIN": server.login,
        "CAPACITY_PROMISE_ODOO_API_KEY": TEST_API_KEY,
        "CAPACITY_PROMISE_TOKEN": TOKEN,
    }
    log = tmp_path / "service.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, env=environment, cwd=tmp_path, stdout=output,
                                   stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_SECONDS
        status, body = 0, b""
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, body = get(f"{base}/health")
            except OSError:  # not listening yet
                status = 0
            if status == 200:
                break
            time.sleep(0.25)
        assert status == 200, f"/health: {status} {body!r}\n{log.read_text()}"
        assert json.loads(body) == {"status": "up"}  # nothing more without the token
        status, body = get(f"{base}/health", token=TOKEN)
        health = json.loads(body)
        assert health["status"] == "up" and health["plan"]["applied"] is True
        assert len(applied) == 1 and applied[0]["version"] == PAYLOAD_VERSION
        assert applied[0]["run_key"] == health["plan"]["run"]

        assert get(f"{base}/metrics")[0] == 200
        assert applied[0]["orders"], "the recording has sale orders to promise"
        order = applied[0]["orders"][0]
        assert get(f"{base}/quote", {"order_id": order["order_id"]})[0] == 401
        status, body = get(f"{base}/quote", {"order_id": order["order_id"]}, token=TOKEN)
        assert status == 200, body
        assert json.loads(body)["order_id"] == order["order_id"]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, log.read_text()
    assert TEST_API_KEY not in log.read_text() and TOKEN not in log.read_text()
