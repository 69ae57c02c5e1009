from . import test_access
from . import test_apply_plan
from . import test_check_capacity
from . import test_purchase_suggestion
from . import test_stale
