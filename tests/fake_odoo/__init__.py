"""A fake Odoo 17 for the test suite: Odoo's wire protocols on loopback, recorded demo data.

Start one per test with :func:`start_fake_odoo` (a context manager) or the ``fake_odoo``
fixture of :mod:`fake_odoo.pytest_plugin`. Credentials: the recorded login
(``server.login``, "admin") with :data:`TEST_PASSWORD` or :data:`TEST_API_KEY`, database
:data:`TEST_DB`.
"""

from .dataset import DEFAULT_DATASET, Dataset
from .exceptions import AccessDenied, AccessError, MissingError, UserError, ValidationError
from .server import TEST_API_KEY, TEST_DB, TEST_PASSWORD, Call, FakeOdoo, start_fake_odoo

__all__ = [
    "DEFAULT_DATASET",
    "TEST_API_KEY",
    "TEST_DB",
    "TEST_PASSWORD",
    "AccessDenied",
    "AccessError",
    "Call",
    "Dataset",
    "FakeOdoo",
    "MissingError",
    "UserError",
    "ValidationError",
    "start_fake_odoo",
]
