# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The planner's fields are the planning service's: the views show them read-only,
and this makes them read-only in the model, whatever a user sends over RPC.

The addon's own actions that let a user change them (Check Capacity, Create RFQ,
Dismiss, Reopen) check the user's rights and group first, then write as superuser.
"""

from odoo import _
from odoo.exceptions import AccessError

SERVICE_GROUP = "sale_capacity_promise.group_capacity_promise_service"


def check_planner_write(records, values_list, protected=None):
    """Refuse to write (or create with) the fields in ``protected`` (every field when
    None) unless the caller is the superuser or the planning service."""
    env = records.env
    if env.su or env.user.has_group(SERVICE_GROUP):
        return
    touched = sorted(
        {
            name
            for values in values_list
            for name in values
            if protected is None or name in protected
        }
    )
    if touched:
        raise AccessError(
            _(
                "Only the planning service writes %(fields)s of %(model)s; use the "
                "actions on the form instead.",
                fields=", ".join(touched),
                model=records._description,
            )
        )


def check_user_may_write(records):
    """Whether the user may write ``records`` at all (before an action writes them as
    superuser): the model's access rights and record rules."""
    if hasattr(records, "check_access"):  # 18 and later
        records.check_access("write")
    else:
        records.check_access_rights("write")
        records.check_access_rule("write")
