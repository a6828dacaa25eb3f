"""A stand-in process crashed at each step of a paid request or a file write, then started
again on the same folder: a re-issued request is charged once, and no file is left over."""

from __future__ import annotations

import pytest

from tests.reliability import _kills


@pytest.mark.parametrize("window", _kills.PAID_WINDOWS)
@pytest.mark.parametrize("route", _kills.PAID_ROUTES)
def test_a_paid_request_killed_at_any_step_is_charged_once(tmp_path, route, window):
    kill = _kills.paid(tmp_path / "data", route, window)
    assert kill.hit, kill  # the process died exactly in the window meant
    assert kill.replayed_ids == kill.job_ids  # the same key gives the same jobs
    assert sorted(kill.listed_ids) == sorted(kill.job_ids)
    assert sorted(kill.charges) == sorted(kill.job_ids)
    assert set(kill.charges.values()) == {1} and kill.double_charges == 0
    assert kill.spent == kill.cost and kill.statuses == {"completed"}


@pytest.mark.parametrize("window", _kills.FILE_WINDOWS)
@pytest.mark.parametrize("route", _kills.FILE_ROUTES)
def test_a_write_killed_at_any_step_leaves_no_file_behind(tmp_path, route, window):
    kill = _kills.write(tmp_path / "data", route, window)
    assert kill.hit, kill
    assert len(kill.left_by_crash) == 1  # what the crash left: a `.part` or a rowless file
    assert kill.leftovers == []
    assert "Removed 1 file(s) an interrupted write left in" in kill.logs
