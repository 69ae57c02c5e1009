"""Applying a plan has a timeout of its own and is never sent twice at once."""

from __future__ import annotations

import time

import pytest
from conftest import settings_for

from sync.odoo import OdooError
from sync.service import PlanningService

APPLY = ("capacity.planner.run", "apply_plan")


def _service(server, tmp_path, **overrides) -> PlanningService:
    return PlanningService(settings_for(server, tmp_path, solver="none", **overrides))


def test_an_apply_longer_than_a_read_may_take_goes_through(addon_odoo, tmp_path):
    # the first full plan at size L takes Odoo minutes to apply; reads keep their short limit
    server, addon = addon_odoo
    service = _service(server, tmp_path, odoo_timeout=0.3, apply_timeout=10.0)
    server.delay(1.0, calls=1, model=APPLY[0], method=APPLY[1])
    current = service.run_once()
    time.sleep(1.0)  # were it retried after 0.3 s, the first call would be answered by now
    assert current.applied and len(addon.applied) == 1
    assert len(server.calls_for(*APPLY)) == 1


def test_an_apply_that_times_out_is_not_sent_again_while_odoo_may_still_apply_it(addon_odoo,
                                                                                 tmp_path):
    server, addon = addon_odoo
    service = _service(server, tmp_path, apply_timeout=0.3, odoo_retries=2)
    server.delay(1.0, calls=1, model=APPLY[0], method=APPLY[1])
    with pytest.raises(OdooError, match="did not answer capacity.planner.run.apply_plan "
                                        "within 0.3 s"):
        service.run_once()
    deadline = time.monotonic() + 10
    while not server.calls_for(*APPLY) and time.monotonic() < deadline:
        time.sleep(0.05)  # Odoo finishes what it was given
    time.sleep(0.6)  # when a retry would have come
    # a retry would have been a second transaction applying the same plan
    assert len(server.calls_for(*APPLY)) == 1 and len(addon.applied) == 1
    current = service.run_once()  # the next poll sends the plan again: already applied
    assert current.applied and len(addon.applied) == 1
    assert len(server.calls_for(*APPLY)) == 2


def test_an_apply_cut_off_by_a_restart_is_sent_again_by_the_next_poll(addon_odoo, tmp_path):
    server, addon = addon_odoo
    service = _service(server, tmp_path, odoo_retries=2)
    server.fail_next(1, kind="restart", model=APPLY[0], method=APPLY[1], downtime=0.3)
    with pytest.raises(OdooError, match="could not be reached for capacity.planner.run"):
        service.run_once()  # Odoo may or may not have applied it: not sent again at once
    assert not addon.applied
    time.sleep(0.5)  # Odoo is back
    current = service.run_once()
    assert current.applied and len(addon.applied) == 1
