# sale.order's columns first: the promise-accuracy report is a view over them
from . import sale_order
from . import sale_order_line
from . import sale_order_promise
from . import capacity_planner_run
from . import capacity_planner_run_holds
from . import capacity_promise_accuracy
from . import capacity_promise_accuracy_summary
from . import capacity_promise_history
from . import capacity_purchase_suggestion
from . import capacity_purchase_suggestion_peg
from . import capacity_reason
from . import capacity_workcenter_load
from . import mrp_production
from . import mrp_workorder
from . import res_config_settings
