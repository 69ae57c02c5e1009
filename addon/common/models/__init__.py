from . import capacity_planner_run
from . import capacity_purchase_suggestion
from . import capacity_purchase_suggestion_peg
from . import capacity_workcenter_load
from . import mrp_production
from . import res_config_settings
from . import sale_order
from . import sale_order_line
