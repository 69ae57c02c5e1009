from . import test_access
from . import test_apply_plan
from . import test_check_capacity
from . import test_purchase_suggestion
from . import test_stale
from . import test_planner_screens
from . import test_reason_text
from . import test_settings
