from . import capacity_confirm_wizard
from . import capacity_quote_options_wizard
