"""Status objects: results, failures, timeouts that abort the device, and combined waits."""

import threading

import pytest

from vxacq.hal.errors import DetectorError, GeneratorError
from vxacq.hal.status import Status


def test_finished_status_gives_its_result_and_runs_callbacks() -> None:
    st = Status("op", timeout=5)
    seen = []
    st.add_callback(lambda s: seen.append(s.success))
    st.set_finished(42)
    assert st.wait() == 42 and seen == [True]
    st.add_callback(lambda s: seen.append("late"))  # called at once when already done
    assert seen == [True, "late"]


def test_timeout_fails_with_device_error_and_calls_abort() -> None:
    aborted = threading.Event()
    st = Status("generator prep", timeout=0.05, on_failure=aborted.set, device=GeneratorError)
    with pytest.raises(GeneratorError, match="generator prep did not finish within 0.05 s"):
        st.wait()
    assert aborted.is_set() and st.exception().code == "timeout"


def test_failure_is_kept_and_later_results_are_ignored() -> None:
    st = Status("arm", timeout=5)
    st.set_exception(DetectorError("low-battery", "battery at 3 %"))
    st.set_finished("too late")
    with pytest.raises(DetectorError, match="battery at 3 %"):
        st.wait()


def test_and_waits_for_both_and_fails_on_either() -> None:
    a, b = Status("a", 5), Status("b", 5)
    both = a & b
    a.set_finished(1)
    assert not both.done
    b.set_finished(2)
    assert both.wait() == (1, 2)
    c, d = Status("c", 5), Status("d", 5)
    either = c & d
    d.set_exception(GeneratorError("E401", "arc"))
    with pytest.raises(GeneratorError, match="arc"):
        either.wait(1)


def test_a_status_needs_a_finite_timeout() -> None:
    with pytest.raises(ValueError, match="finite positive timeout"):
        Status("x", timeout=0)
