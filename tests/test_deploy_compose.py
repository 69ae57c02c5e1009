"""docker-compose.yml, .env.example and the Odoo init scripts, checked without Docker: the
variables agree, the file validates against the Compose Specification (the schema shipped by
check-jsonschema), references resolve, and the services are wired the way docs/INSTALL.md
says."""

from __future__ import annotations

import ast
import importlib.resources
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sync.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
ADDONS = ROOT / "addon"
SERIES = ("17.0", "18.0", "19.0")
DEFAULT_SERIES = "19.0"
ADDON = ADDONS / DEFAULT_SERIES / "sale_capacity_promise"
INIT_SCRIPT = ROOT / "deploy" / "odoo" / "odoo-init.sh"
SETUP_SCRIPT = ROOT / "deploy" / "odoo" / "setup_service_user.py"

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}, ${NAME:+alt},
# $NAME; "$$" is a literal dollar.
VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_]\w*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_]\w*))")
SECRET_NAME = re.compile(r"PASSWORD|API_KEY|TOKEN|SECRET")


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, # comments: the subset of the .env format the example uses."""
    values = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        assert "=" in line, f"{path.name}, line {number}: expected KEY=value"
        key, value = line.split("=", 1)
        assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", key), f"{path.name}: bad name {key!r}"
        assert key not in values, f"{path.name}: {key} twice"
        values[key] = value
    return values


def strings(node: Any) -> Iterator[str]:
    """Every string value of a parsed YAML document (the ones Compose interpolates)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def used_variables(document: Any) -> dict[str, set[str]]:
    """Variable name -> the operators it is used with ("" for a bare ${NAME})."""
    used: dict[str, set[str]] = {}
    for text in strings(document):
        for match in VARIABLE.finditer(text):
            name = match["braced"] or match["plain"]
            if name:
                used.setdefault(name, set()).add(match["op"] or "")
    return used


def interpolate(node: Any, env: Mapping[str, str]) -> Any:
    """Compose's interpolation of every string, as `docker compose config` does it."""
    if isinstance(node, Mapping):
        return {key: interpolate(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate(item, env) for item in node]
    if not isinstance(node, str):
        return node

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["plain"]
        op, arg = match["op"] or "", match["arg"] or ""
        value = env.get(name)
        present = value is not None and (value != "" or not op.startswith(":"))
        if op.endswith("?") and not present:
            raise ValueError(f"{name}: {arg}")
        if op.endswith("-"):
            return value if present else arg  # type: ignore[return-value]
        if op.endswith("+"):
            return arg if present else ""
        return value or ""

    return VARIABLE.sub(replace, node)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    return read_env_file(ENV_EXAMPLE)


@pytest.fixture(scope="module")
def filled_env(env_example: dict[str, str]) -> dict[str, str]:
    """.env.example with the secrets filled in, as an admin's .env would be."""
    return {key: value or f"test-{key.lower()}" for key, value in env_example.items()}


@pytest.fixture(scope="module")
def resolved(compose: dict[str, Any], filled_env: dict[str, str]) -> dict[str, Any]:
    result = interpolate(compose, filled_env)
    assert isinstance(result, dict)
    return result


def manifest() -> dict[str, Any]:
    value = ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


# -- compose file and .env.example agree ----------------------------------------------------

def test_every_variable_of_the_compose_file_is_documented_in_env_example(
        compose: dict[str, Any], env_example: dict[str, str]) -> None:
    undocumented = sorted(set(used_variables(compose)) - set(env_example))
    assert not undocumented, f"not in .env.example: {undocumented}"


def test_every_variable_of_env_example_is_used_by_the_compose_file(
        compose: dict[str, Any], env_example: dict[str, str]) -> None:
    # No service reads .env wholesale (no env_file): each variable must be interpolated.
    assert not any("env_file" in service for service in compose["services"].values())
    unused = sorted(set(env_example) - set(used_variables(compose)))
    assert not unused, f"documented in .env.example, never used by docker-compose.yml: {unused}"


def test_each_variable_is_explained_in_env_example() -> None:
    # a comment above each variable, or above the group of variables it belongs to
    explained = False
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and not line.startswith("# --"):
            explained = True
        elif not line.strip():
            explained = False
        elif not line.startswith("#"):
            assert explained, f"no comment explains {line.split('=', 1)[0]}"


def test_secrets_have_no_value_in_env_example_and_no_default_in_the_compose_file(
        compose: dict[str, Any], env_example: dict[str, str]) -> None:
    secrets = {key for key in env_example if SECRET_NAME.search(key)}
    assert secrets == {"POSTGRES_PASSWORD", "ODOO_ADMIN_PASSWORD",
                       "CAPACITY_PROMISE_ODOO_API_KEY", "CAPACITY_PROMISE_TOKEN"}
    for key in secrets:
        assert env_example[key] == "", f"{key} has a value in .env.example"
    used = used_variables(compose)
    for key in secrets:
        # ${KEY:?message} only: compose refuses to start without the secret.
        assert used[key] == {":?"}, f"{key} is used with {used[key]} (want only ':?')"
    # and nothing else is left empty: every other setting works as shipped
    assert {key for key, value in env_example.items() if value == ""} == secrets


def test_compose_refuses_to_start_without_a_secret(compose: dict[str, Any],
                                                   filled_env: dict[str, str]) -> None:
    for key in ("POSTGRES_PASSWORD", "CAPACITY_PROMISE_TOKEN"):
        with pytest.raises(ValueError, match=key):
            interpolate(compose, {**filled_env, key: ""})


def test_no_secret_is_written_in_the_compose_file(compose: dict[str, Any]) -> None:
    for service in compose["services"].values():
        environment = service.get("environment", {})
        assert isinstance(environment, dict), "environment as a mapping, please"
        for key, value in environment.items():
            if SECRET_NAME.search(key):
                assert VARIABLE.fullmatch(str(value)), f"{key} must come from .env"


# -- the Compose Specification --------------------------------------------------------------

def test_compose_file_validates_against_the_compose_specification() -> None:
    tool = Path(sys.executable).parent / "check-jsonschema"
    command = [str(tool)] if tool.exists() else [shutil.which("check-jsonschema") or ""]
    if not command[0]:
        pytest.skip("check-jsonschema is not installed (pip install -e '.[dev]')")
    result = subprocess.run(
        [*command, "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_validates_after_interpolation(resolved: dict[str, Any]) -> None:
    # The schema shipped in check-jsonschema (vendor/compose-spec.json), applied to the file as
    # docker compose sees it once .env is read: ports, durations and conditions with values.
    schema_file = (importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
                   / "compose-spec.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
              for error in validator.iter_errors(resolved)]
    assert not errors, "\n".join(errors)


def test_references_resolve(compose: dict[str, Any]) -> None:
    services = compose["services"]
    volumes = set(compose.get("volumes") or {})
    used_volumes = set()
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown service {dependency}"
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: bind mount {source} is missing"
            else:
                assert source in volumes, f"{name}: volume {source} is not declared"
                used_volumes.add(source)
        if "build" in service:
            context = ROOT / service["build"]["context"]
            assert (context / service["build"].get("dockerfile", "Dockerfile")).is_file()
    assert used_volumes == volumes, f"declared but unused volumes: {volumes - used_volumes}"


# -- what the stack does ------------------------------------------------------------------

def test_services_wait_for_each_other(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["odoo-init"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["odoo"]["depends_on"] == {
        "odoo-init": {"condition": "service_completed_successfully"}}
    assert services["planner"]["depends_on"] == {"odoo": {"condition": "service_healthy"}}


def test_long_running_services_have_health_checks_restart_policies_and_volumes(
        compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("db", "odoo", "planner"):
        service = services[name]
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
        assert any(not mount.startswith(".") for mount in service["volumes"]), name
    assert "pg_isready" in services["db"]["healthcheck"]["test"][1]
    assert "/web/health" in services["odoo"]["healthcheck"]["test"][-1]
    assert "/health" in services["planner"]["healthcheck"]["test"][-1]
    assert services["odoo-init"]["restart"] == "no"


def test_images_are_pinned(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert re.fullmatch(r"postgres:\d+\.\d+-\w+", services["db"]["image"])
    # the official Odoo image of the series ODOO_SERIES names
    assert services["odoo"]["image"] == services["odoo-init"]["image"] == (
        "odoo:${ODOO_SERIES:-" + DEFAULT_SERIES + "}")
    assert services["planner"]["build"]["context"] == "."


@pytest.mark.parametrize("series", SERIES)
def test_the_series_chooses_image_and_addon(compose: dict[str, Any],
                                             filled_env: dict[str, str], series: str) -> None:
    services = interpolate(compose, dict(filled_env, ODOO_SERIES=series))["services"]
    assert services["odoo"]["image"] == services["odoo-init"]["image"] == f"odoo:{series}"
    assert f"--addons-path=/mnt/extra-addons/{series}" in services["odoo"]["command"]
    assert services["odoo-init"]["environment"]["ODOO_SERIES"] == series
    # the addon of that series is where the addons path points once addon/ is mounted
    addon = ADDONS / series / "sale_capacity_promise"
    version = ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))["version"]
    assert version.startswith(f"{series}.")


def test_the_default_series_is_19(env_example: dict[str, str]) -> None:
    assert env_example["ODOO_SERIES"] == DEFAULT_SERIES


def test_the_init_script_passes_the_series_and_its_demo_option() -> None:
    text = INIT_SCRIPT.read_text(encoding="utf-8")
    assert '--addons-path "/mnt/extra-addons/$ODOO_SERIES"' in text
    # 19 installs demo data only with --with-demo, 17 and 18 unless --without-demo
    assert "demo=(--with-demo)" in text and "demo=(--without-demo=all)" in text


def test_odoo_runs_the_addon_on_one_database(resolved: dict[str, Any],
                                             filled_env: dict[str, str]) -> None:
    services = resolved["services"]
    for name in ("odoo", "odoo-init"):
        assert "./addon:/mnt/extra-addons:ro" in services[name]["volumes"], name
        assert "odoo-data:/var/lib/odoo" in services[name]["volumes"], name
    database = filled_env["ODOO_DB"]
    command = services["odoo"]["command"]
    assert command[0] == "odoo"  # the image's entrypoint then adds the database connection
    assert f"--database={database}" in command
    assert f"--db-filter=^{database}$" in command
    assert services["odoo-init"]["environment"]["ODOO_DB"] == database
    assert services["planner"]["environment"]["CAPACITY_PROMISE_ODOO_DB"] == database


def test_the_init_job_and_the_planner_share_credentials_and_address(
        resolved: dict[str, Any]) -> None:
    init = resolved["services"]["odoo-init"]["environment"]
    planner = resolved["services"]["planner"]["environment"]
    assert init["SERVICE_LOGIN"] == planner["CAPACITY_PROMISE_ODOO_LOGIN"]
    assert init["SERVICE_PASSWORD"] == planner["CAPACITY_PROMISE_ODOO_API_KEY"]
    assert init["SERVICE_TOKEN"] == planner["CAPACITY_PROMISE_TOKEN"]
    # Odoo calls the planner by its service name on the port it listens on
    assert init["SERVICE_URL"] == f"http://planner:{planner['CAPACITY_PROMISE_LISTEN_PORT']}"
    assert planner["CAPACITY_PROMISE_ODOO_URL"] == "http://odoo:8069"
    assert "8080" in resolved["services"]["planner"]["healthcheck"]["test"][-1]
    assert resolved["services"]["planner"]["ports"] == [
        f"127.0.0.1:{resolved['services']['planner']['ports'][0].split(':')[1]}:8080"]


def test_the_planner_environment_is_accepted_by_the_service(resolved: dict[str, Any]) -> None:
    environment = {key: str(value) for key, value in
                   resolved["services"]["planner"]["environment"].items()}
    settings = load_settings(environment)  # refuses unknown or malformed CAPACITY_PROMISE_*
    settings.require_odoo()
    assert settings.listen_host == "0.0.0.0"
    assert settings.token
    # the state store is a file in the planner's named volume
    assert settings.state_url == "sqlite:////data/capacity-promise.sqlite"
    assert "planner-data:/data" in resolved["services"]["planner"]["volumes"]


def test_the_init_script_installs_the_addon_and_its_dependencies() -> None:
    text = INIT_SCRIPT.read_text(encoding="utf-8")
    modules = re.search(r"^MODULES=(\S+)$", text, re.MULTILINE)
    assert modules, "MODULES= line"
    assert modules[1].split(",") == [*manifest()["depends"], ADDON.name]
    assert "--stop-after-init" in text
    assert "-u sale_capacity_promise" in text
    result = subprocess.run(["bash", "-n", str(INIT_SCRIPT)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr


def test_the_init_script_reads_what_the_compose_file_gives_it(resolved: dict[str, Any]) -> None:
    text = INIT_SCRIPT.read_text(encoding="utf-8") + SETUP_SCRIPT.read_text(encoding="utf-8")
    given = set(resolved["services"]["odoo-init"]["environment"])
    read = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", text))
    read |= set(re.findall(r"os\.environ(?:\.get\(|\[)\"([A-Z_]+)\"", text))
    set_by_script = {"PGHOST", "PGPORT", "PGUSER", "NEW_DATABASE", "MODULES", "HERE", "OPTIONS"}
    assert read - set_by_script <= given, f"not given by compose: {read - set_by_script - given}"
    assert given - {"PGPASSWORD"} <= read, f"given but unused: {given - read}"
    service = resolved["services"]["odoo-init"]
    assert service["entrypoint"] == ["/bin/bash", "/opt/capacity-promise/odoo-init.sh"]
    assert "./deploy/odoo:/opt/capacity-promise:ro" in service["volumes"]


def test_the_setup_script_uses_names_the_addon_defines() -> None:
    source = SETUP_SCRIPT.read_text(encoding="utf-8")
    compile(source, str(SETUP_SCRIPT), "exec")
    for series in SERIES:
        groups = (ADDONS / series / "sale_capacity_promise" / "security"
                  / "sale_capacity_promise_groups.xml").read_text(encoding="utf-8")
        for xml_id in re.findall(r"env\.ref\(\"sale_capacity_promise\.(\w+)\"\)", source):
            assert f'id="{xml_id}"' in groups, (series, xml_id)
    settings = (ADDON / "models" / "res_config_settings.py").read_text(encoding="utf-8")
    parameters = re.findall(r"set_param\(\"(sale_capacity_promise\.\w+)\"", source)
    assert parameters == ["sale_capacity_promise.service_url",
                          "sale_capacity_promise.service_token"]
    for parameter in parameters:
        assert f'config_parameter="{parameter}"' in settings, parameter
    assert "env.cr.commit()" in source  # odoo shell rolls back what is not committed


def test_the_setup_script_gives_the_service_its_api_key() -> None:
    # the service logs in with CAPACITY_PROMISE_ODOO_API_KEY: on 19 JSON-2 takes only an API
    # key, so the script stores that value as the user's key (hashed, scope rpc), not only as
    # its password
    source = SETUP_SCRIPT.read_text(encoding="utf-8")
    assert "INSERT INTO res_users_apikeys" in source and "'rpc'" in source
    assert "KEY_CRYPT_CONTEXT.hash(secret)" in source
    assert re.search(r"\bgroup_ids\b.*\bgroups_id\b", source)  # 19 and 17/18 names
    # and no password: Odoo checks one (600,000 PBKDF2 rounds, 0.7 s) before the API keys at
    # every login, and the service user has no business in the web client
    assert '"password":' not in source
    assert "SET password = NULL WHERE id = %s" in source
