# Run by odoo-init.sh through `odoo shell -d <db> < setup_service_user.py`: Odoo's shell
# executes this file with `env` (superuser) in scope and rolls back at the end, hence the
# explicit commit. Reads SERVICE_LOGIN, SERVICE_PASSWORD, SERVICE_URL, SERVICE_TOKEN,
# NEW_DATABASE and ODOO_ADMIN_PASSWORD from the environment; prints no secret. Works on
# Odoo 17.0, 18.0 and 19.0.
# ruff: noqa: F821 - `env` is provided by `odoo shell`
import os

from odoo import Command
from odoo.addons.base.models.res_users import INDEX_SIZE, KEY_CRYPT_CONTEXT

SERVICE_NAME = "Capacity Promise Planning Service"
KEY_NAME = "capacity-promise service"

login = os.environ["SERVICE_LOGIN"]
service_group = env.ref("sale_capacity_promise.group_capacity_promise_service")
users = env["res.users"].with_context(active_test=False, no_reset_password=True)
user = users.search([("login", "=", login)], limit=1)
# a user's groups are groups_id up to 18, group_ids from 19
groups_field = "group_ids" if "group_ids" in users._fields else "groups_id"
values = {
    "name": SERVICE_NAME,
    "login": login,
    "active": True,
    # Only the service's group (it implies internal user): read what the planner reads,
    # apply plans, nothing else.
    groups_field: [Command.set(service_group.ids)],
}
if user:
    user.write(values)
    print(f"odoo-init: updated user {login!r} (id {user.id})")
else:
    user = users.create(values)
    print(f"odoo-init: created user {login!r} (id {user.id})")

# SERVICE_PASSWORD is the user's API key, which the service logs in with (JSON-2, on 19,
# takes nothing else): stored hashed, with the index Odoo looks it up by, as Odoo stores the
# keys it generates (it offers no way to choose a key's value). Replaced at every start.
# The user has no password: it cannot log in to the web client, and Odoo, which checks a
# password before API keys, does not spend its 600,000 PBKDF2 rounds (0.7 s) on each login.
secret = os.environ["SERVICE_PASSWORD"]
if len(secret) < 2 * INDEX_SIZE:
    raise SystemExit(f"odoo-init: SERVICE_PASSWORD must have at least {2 * INDEX_SIZE} characters")
env["res.users.apikeys"].sudo().search(
    [("user_id", "=", user.id), ("name", "=", KEY_NAME)]
).unlink()
env.cr.execute(
    "INSERT INTO res_users_apikeys (name, user_id, scope, key, index)"
    " VALUES (%s, %s, 'rpc', %s, %s)",
    [KEY_NAME, user.id, KEY_CRYPT_CONTEXT.hash(secret), secret[:INDEX_SIZE]],
)
env.cr.execute("UPDATE res_users SET password = NULL WHERE id = %s", [user.id])
env.registry.clear_cache()
print(f"odoo-init: API key {KEY_NAME!r} of {login!r} set")

parameters = env["ir.config_parameter"].sudo()
parameters.set_param("sale_capacity_promise.service_url", os.environ["SERVICE_URL"])
parameters.set_param("sale_capacity_promise.service_token", os.environ["SERVICE_TOKEN"])
print(f"odoo-init: addon settings point at {os.environ['SERVICE_URL']}")

if os.environ.get("NEW_DATABASE") == "true":
    env.ref("base.user_admin").password = os.environ["ODOO_ADMIN_PASSWORD"]
    print("odoo-init: set the password of user 'admin'")

env.cr.commit()
