"""capacity-promise service: reads Odoo, runs the planner, writes the plan back, answers quotes."""
