# Copyright 2026 capacity-promise
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Sale Capacity Promise",
    "summary": "Delivery dates promised from finite capacity, purchase suggestions "
    "with order-by dates, work center load",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Sales/Sales",
    "author": "capacity-promise",
    "license": "AGPL-3",
    "depends": [
        "sale_management",
        "sale_stock",
        "mrp",
        "purchase_stock",
    ],
    "data": [
        "security/sale_capacity_promise_groups.xml",
        "security/ir.model.access.csv",
        "security/sale_capacity_promise_rules.xml",
        "data/mail_activity_type_data.xml",
        "views/list_views.xml",
        "views/promise_list_views.xml",
        "views/capacity_planner_run_views.xml",
        "views/capacity_purchase_suggestion_views.xml",
        "views/capacity_workcenter_load_views.xml",
        "views/sale_order_views.xml",
        "views/mrp_production_views.xml",
        "views/res_config_settings_views.xml",
        "views/capacity_promise_history_views.xml",
        "views/capacity_promise_accuracy_views.xml",
        "wizards/capacity_confirm_wizard_views.xml",
        "wizards/capacity_quote_options_wizard_views.xml",
        "report/sale_order_promise_templates.xml",
        "views/sale_order_work_list_views.xml",
        "views/sale_capacity_promise_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sale_capacity_promise/static/src/capacity_board.js",
            "sale_capacity_promise/static/src/capacity_board.xml",
            "sale_capacity_promise/static/src/capacity_board.scss",
        ],
    },
    "images": ["static/description/icon.png"],
    "application": True,
    "installable": True,
}
