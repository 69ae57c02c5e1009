from . import capacity_confirm_wizard
