#!/bin/bash
# One-shot initialisation of the compose stack's Odoo database (service "odoo-init" of
# docker-compose.yml, in the official odoo image of the series ODOO_SERIES, which reads
# /etc/odoo/odoo.conf: filestore in /var/lib/odoo; addon/ of this repository is mounted at
# /mnt/extra-addons, the series' addon in /mnt/extra-addons/<series>). Safe to run at every
# start:
#
#   - the addon not installed yet (no database, or a database without it): install sales,
#     manufacturing, purchase and the addon, creating the database if needed;
#   - the addon installed: upgrade it, so that a new version of addon/ takes effect;
#   - always: make sure the planning service's Odoo user exists, has only the group
#     "Capacity Promise: Planning Service" and the password from .env, and point the addon's
#     settings (service URL and token) at the service (setup_service_user.py).
#
# Environment: DB_HOST, DB_PORT, DB_USER, PGPASSWORD (PostgreSQL), ODOO_DB, ODOO_SERIES
# (17.0, 18.0 or 19.0), ODOO_DEMO (true/false), ODOO_ADMIN_PASSWORD, SERVICE_LOGIN, SERVICE_PASSWORD, SERVICE_URL,
# SERVICE_TOKEN. The PostgreSQL password stays in PGPASSWORD (read by libpq), off the
# command lines.
set -euo pipefail

for name in DB_HOST DB_USER PGPASSWORD ODOO_DB ODOO_SERIES ODOO_ADMIN_PASSWORD SERVICE_LOGIN \
            SERVICE_PASSWORD SERVICE_URL SERVICE_TOKEN; do
    if [ -z "${!name:-}" ]; then
        echo "odoo-init: $name is not set (see .env.example)" >&2
        exit 2
    fi
done
export PGHOST="$DB_HOST" PGPORT="${DB_PORT:-5432}" PGUSER="$DB_USER"
HERE="$(cd "$(dirname "$0")" && pwd)"
MODULES=sale_management,sale_stock,mrp,purchase_stock,sale_capacity_promise
# Odoo takes its subcommand (shell) first, then the options.
case "$ODOO_SERIES" in
    17.0|18.0|19.0) ;;
    *) echo "odoo-init: ODOO_SERIES must be 17.0, 18.0 or 19.0, not $ODOO_SERIES" >&2; exit 2 ;;
esac
OPTIONS=(--db_host "$PGHOST" --db_port "$PGPORT" --db_user "$PGUSER" -d "$ODOO_DB" --no-http
         --addons-path "/mnt/extra-addons/$ODOO_SERIES")

# State of the addon in the database: "installed", another state, or "" (no database yet, or
# one Odoo never initialised).
addon_state() {
    local exists
    exists="$(psql --dbname postgres --tuples-only --no-align --set=ON_ERROR_STOP=1 \
        --set=db="$ODOO_DB" <<'SQL'
SELECT count(*) FROM pg_database WHERE datname = :'db';
SQL
)"
    if [ "$exists" = "0" ]; then
        return
    fi
    psql --dbname "$ODOO_DB" --tuples-only --no-align --set=ON_ERROR_STOP=1 <<'SQL' 2>/dev/null || true
SELECT state FROM ir_module_module WHERE name = 'sale_capacity_promise';
SQL
}

state="$(addon_state)"
new_database=false
if [ -z "$state" ]; then
    new_database=true
fi

if [ "$state" = "installed" ]; then
    echo "odoo-init: upgrading sale_capacity_promise in $ODOO_DB"
    odoo "${OPTIONS[@]}" -u sale_capacity_promise --stop-after-init
else
    echo "odoo-init: installing $MODULES in $ODOO_DB"
    # 17 and 18 load demo data unless told not to; 19 only when asked to
    demo=()
    if [ "$new_database" = true ]; then
        if [ "${ODOO_DEMO:-true}" != true ] && [ "$ODOO_SERIES" != 19.0 ]; then
            demo=(--without-demo=all)
        elif [ "${ODOO_DEMO:-true}" = true ] && [ "$ODOO_SERIES" = 19.0 ]; then
            demo=(--with-demo)
        fi
    fi
    odoo "${OPTIONS[@]}" -i "$MODULES" "${demo[@]}" --stop-after-init
fi

echo "odoo-init: service user $SERVICE_LOGIN and the addon's settings"
NEW_DATABASE="$new_database" odoo shell "${OPTIONS[@]}" < "$HERE/setup_service_user.py"
echo "odoo-init: done"
