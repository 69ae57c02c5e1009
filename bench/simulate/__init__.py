"""Promise-quality simulation: are the dates kept, and are they short?

Run with ``python -m bench.simulate`` (``make simulate``).
"""
