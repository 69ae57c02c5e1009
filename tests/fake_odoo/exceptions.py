"""Exceptions named and worded like Odoo 17's, so faults and JSON-RPC errors carry Odoo's names.

Odoo builds its RPC errors from the exception class (``odoo.exceptions.AccessError`` ...) and
from ``str(exception)``; these classes report the same module and the same default messages.
Test code registering custom methods may raise them to make the fake answer like a real addon.
"""

from __future__ import annotations


class UserError(Exception):
    """Odoo's business error: XML-RPC faultCode 2, its message as faultString."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class AccessDenied(UserError):
    """Bad credentials: XML-RPC faultCode 3 'Access Denied'."""

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class AccessError(UserError):
    """Missing access rights: XML-RPC faultCode 4."""


class MissingError(UserError):
    """A record was deleted: XML-RPC faultCode 2."""


class ValidationError(UserError):
    """A constraint failed: XML-RPC faultCode 2."""


class OperationalError(Exception):
    """What psycopg2 raises when the database named in a call does not exist."""


for _cls in (UserError, AccessDenied, AccessError, MissingError, ValidationError):
    _cls.__module__ = "odoo.exceptions"
OperationalError.__module__ = "psycopg2"
