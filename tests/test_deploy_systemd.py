"""deploy/capacity-promise.service and its EnvironmentFile example, checked without
installing them: systemd-analyze (when present), the unit's promises, and settings the service
accepts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sync.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "deploy" / "capacity-promise.service"
ENV_FILE = ROOT / "deploy" / "capacity-promise.env.example"


def unit_settings() -> dict[str, list[str]]:
    """Key -> values (a key may repeat) of every section, comments dropped."""
    values: dict[str, list[str]] = {}
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_unit_runs_serve_as_a_dedicated_user_with_its_environment_file() -> None:
    unit = unit_settings()
    assert unit["ExecStart"] == ["/opt/capacity-promise/bin/capacity-promise serve"]
    assert unit["User"] == unit["Group"] == ["capacity-promise"]
    assert unit["EnvironmentFile"] == ["/etc/capacity-promise/capacity-promise.env"]
    assert unit["StateDirectory"] == ["capacity-promise"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["WantedBy"] == ["multi-user.target"]
    assert unit["NoNewPrivileges"] == ["yes"] and unit["ProtectSystem"] == ["strict"]


def test_environment_file_holds_settings_the_service_accepts() -> None:
    settings = load_settings({}, file=ENV_FILE)  # refuses unknown CAPACITY_PROMISE_* names
    # the state store lives in the unit's StateDirectory, the only place it may write
    assert settings.state_url == "sqlite:////var/lib/capacity-promise/capacity-promise.sqlite"
    for secret in ("CAPACITY_PROMISE_ODOO_API_KEY", "CAPACITY_PROMISE_TOKEN"):
        assert f"\n{secret}=\n" in ENV_FILE.read_text(encoding="utf-8"), secret


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (systemd)")
    # verify checks that ExecStart exists: point it at this checkout's command
    command = Path(sys.executable).parent / "capacity-promise"
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(
        "/opt/capacity-promise/bin/capacity-promise", str(command)), encoding="utf-8")
    result = subprocess.run([tool, "verify", str(unit)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert UNIT.name not in result.stderr, result.stderr
