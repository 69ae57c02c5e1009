"""Settings: read once from the environment or a file; secrets never shown."""

from __future__ import annotations

import pytest

from sync.config import ConfigError, Secret, load_settings

ENV = {
    "CAPACITY_PROMISE_ODOO_URL": "https://erp.example.com",
    "CAPACITY_PROMISE_ODOO_DB": "prod",
    "CAPACITY_PROMISE_ODOO_LOGIN": "planner@example.com",
    "CAPACITY_PROMISE_ODOO_API_KEY": "s3cr3t-api-key",
    "CAPACITY_PROMISE_TOKEN": "quote-token-123",
    "CAPACITY_PROMISE_POLL_INTERVAL": "60",
}


def test_settings_come_from_the_environment():
    settings = load_settings(ENV)
    assert settings.odoo_url == "https://erp.example.com"
    assert settings.poll_interval == 60.0
    assert settings.odoo_api_key.reveal() == "s3cr3t-api-key"
    settings.require_odoo()


def test_secrets_never_appear_in_repr_or_public_view():
    settings = load_settings(ENV)
    text = f"{settings} {settings!r} {settings.public()}"
    assert "s3cr3t-api-key" not in text and "quote-token-123" not in text
    assert settings.public()["odoo_api_key"] == "***"
    assert str(Secret("x")) == "Secret('***')"


def test_a_file_is_read_and_the_environment_wins(tmp_path):
    file = tmp_path / "capacity-promise.env"
    file.write_text("# service settings\nCAPACITY_PROMISE_ODOO_DB=from-file\n"
                    "CAPACITY_PROMISE_LISTEN_PORT=9090\n", encoding="utf-8")
    settings = load_settings({"CAPACITY_PROMISE_ODOO_DB": "from-env"}, file=file)
    assert settings.odoo_db == "from-env"
    assert settings.listen_port == 9090


@pytest.mark.parametrize(("key", "value", "message"), [
    ("CAPACITY_PROMISE_POLL_INTERVAL", "often", "CAPACITY_PROMISE_POLL_INTERVAL must be a number"),
    ("CAPACITY_PROMISE_ODOO_PROTOCOL", "soap", "CAPACITY_PROMISE_ODOO_PROTOCOL must be auto"),
    ("CAPACITY_PROMISE_ODOO_PASSWORD", "x", "unknown settings: CAPACITY_PROMISE_ODOO_PASSWORD"),
])
def test_bad_values_are_refused_by_name(key, value, message):
    with pytest.raises(ConfigError, match=message):
        load_settings({**ENV, key: value})


def test_missing_odoo_settings_are_listed():
    settings = load_settings({"CAPACITY_PROMISE_ODOO_URL": "https://erp.example.com"})
    with pytest.raises(ConfigError) as caught:
        settings.require_odoo()
    assert str(caught.value) == ("missing settings: CAPACITY_PROMISE_ODOO_DB, "
                                 "CAPACITY_PROMISE_ODOO_LOGIN, CAPACITY_PROMISE_ODOO_API_KEY")


def test_odoo_url_must_be_an_address():
    settings = load_settings({**ENV, "CAPACITY_PROMISE_ODOO_URL": "erp.example.com"})
    with pytest.raises(ConfigError, match="must look like https://erp.example.com"):
        settings.require_odoo()


def test_the_test_suites_and_benchmarks_variables_are_not_the_services():
    settings = load_settings({**ENV, "CAPACITY_PROMISE_TEST_ODOO_URL": "http://127.0.0.1:1",
                              "CAPACITY_PROMISE_BENCH_ODOO_ADMIN_PASSWORD": "x"})
    assert settings.odoo_url == ENV["CAPACITY_PROMISE_ODOO_URL"]


def test_the_replan_interval_and_page_size_have_defaults():
    settings = load_settings(ENV)
    assert settings.replan_interval == 900 and settings.page_size == 2000
