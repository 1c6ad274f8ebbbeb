"""SerialGenerator at the byte level: every command, reply, NAK and line fault (no simulator)."""

import random
import threading
import time

import pytest

from tests.hal.helpers import FakeTransport, expected_protocol, line
from vxacq.hal.errors import GeneratorError
from vxacq.hal.generator import GeneratorState, Technique
from vxacq.hal.serial_generator import SerialGenerator


def test_set_and_query_declared_properties() -> None:
    with expected_protocol([
        (line("01 KV 70"), line("01 ACK 70")),
        (line("02 KV?"), line("02 ACK 70.5")),
        (line("03 FOCUS S"), line("03 ACK S")),
        (line("04 MAS 2.5"), line("04 ACK 2.5")),
        (line("05 HEAT?"), line("05 ACK 12.5")),
    ]) as gen:
        gen.kv = 70
        assert gen.kv == 70.5
        gen.focus = "S"
        gen.mas = 2.5
        assert gen.heat == 12.5
    assert SerialGenerator.kv.units == "kV" and SerialGenerator.heat.kind == "diagnostic"


def test_limits_are_checked_before_anything_is_sent() -> None:
    with expected_protocol([]) as gen:
        with pytest.raises(ValueError, match="kv 200 is outside 20–150 kV"):
            gen.kv = 200
        with pytest.raises(ValueError, match="focus 'X' is not one of S, L"):
            gen.focus = "X"


def test_nak_becomes_generator_error_with_code_and_text() -> None:
    with expected_protocol([
        (line("01 MA 900"), line("01 NAK 103 900 mA at 150 kV exceeds the focus power rating")),
    ]) as gen:
        with pytest.raises(GeneratorError) as err:
            gen.ma = 900
    assert err.value.code == "NAK103"
    assert "exceeds the focus power rating" in str(err.value)
    assert str(err.value).startswith("generator: refused 'MA 900'")


def test_technique_is_sent_as_focus_kv_mas_aec() -> None:
    with expected_protocol([
        (line("01 FOCUS L"), line("01 ACK L")),
        (line("02 KV 81"), line("02 ACK 81")),
        (line("03 MA 200"), line("03 ACK 200")),
        (line("04 MS 12.5"), line("04 ACK 12.5")),
        (line("05 AEC ON 101"), line("05 ACK ON 101")),
    ]) as gen:
        gen.set_technique(Technique(kv=81, ma=200, ms=12.5, aec=True, aec_chambers="101"))


def test_lost_reply_is_retried_with_the_same_sequence_number() -> None:
    with expected_protocol([
        (line("01 STATE?"), None),  # the answer is lost on the line
        (line("01 STATE?"), line("01 ACK STANDBY")),
    ]) as gen:
        assert gen.poll_state() is GeneratorState.STANDBY


def test_garbled_reply_is_dropped_and_the_command_repeated() -> None:
    garbled = bytearray(line("01 ACK 70"))
    garbled[5] ^= 0x20
    with expected_protocol([
        (line("01 KV 70"), b"\x00\xff" + bytes(garbled)),
        (line("01 KV 70"), line("01 ACK 70")),
    ]) as gen:
        gen.kv = 70
        assert gen.garbled_lines == 1


def test_events_update_state_and_report_and_fault() -> None:
    with expected_protocol([]) as gen:
        transport = gen._transport
        transport.push(line("EV STATE READY"))
        assert gen.state.wait_for(lambda s: s is GeneratorState.READY, 1)
        transport.push(line("EV DONE 4 KV 70.2 MA 200 MS 10 MAS 2 DAP 12.5 HEAT 3"))
        transport.push(line("EV FAULT 401 Tube arc"))
        assert gen.state.wait_for(lambda s: s is GeneratorState.FAULT, 1)
        assert gen.last_report.number == 4 and gen.last_report.dap_Gy_cm2 == 0.0125
        assert gen.fault == ("401", "Tube arc")


def test_mammography_report_carries_target_filter_hvl_and_air_kerma() -> None:
    with expected_protocol([]) as gen:
        gen._transport.push(line("EV DONE 5 KV 28.1 MA 100 MS 600 MAS 60 DAP 80.5 HEAT 1 "
                                 "TF W/AG/0.050 HVL 0.541 K1M 3.375"))
        deadline = time.monotonic() + 1
        while gen.last_report is None and time.monotonic() < deadline:
            time.sleep(0.01)
        r = gen.last_report
        assert (r.anode_target, r.filter_material, r.filter_mm) == ("TUNGSTEN", "SILVER", 0.05)
        assert r.hvl_mm_al == 0.541 and r.air_kerma_1m_mGy == 3.375 and r.complete
        gen._transport.push(line("EV DONE 6 KV 28 MA 100 MS 600 MAS 60 DAP 80 HEAT 1 TF W/XX/0.05 "
                                 "HVL 0.5 K1M 3"))  # an unknown filter symbol: not a report
        time.sleep(0.1)
        assert gen.last_report.number == 5 and gen.garbled_lines == 1


@pytest.mark.timeout(30)
def test_pure_garbage_never_crashes_or_hangs_the_driver() -> None:
    transport = FakeTransport([])
    gen = SerialGenerator(transport, reply_timeout=0.3, retries=2)
    rng = random.Random(7)
    stop = threading.Event()

    def spew() -> None:
        while not stop.is_set():
            # about 20 kB/s of noise: twenty times what a 9600-baud line can carry
            transport.push(bytes(rng.randrange(256) for _ in range(rng.randint(1, 100))))
            time.sleep(0.0025)

    spewer = threading.Thread(target=spew, daemon=True)
    spewer.start()
    try:
        start = time.monotonic()
        with pytest.raises(GeneratorError) as err:
            gen.poll_state()
        assert time.monotonic() - start < 3.0
        assert err.value.code == "no-reply" and "after 3 tries: check the cable" in str(err.value)
        assert gen.state.value is GeneratorState.FAULT
        assert gen._reader.is_alive()  # still listening
        # a valid answer amid the noise is still understood
        transport.pairs = [(line("02 ID?"), line("02 ACK VXacq Simulator,VXG-65,S1,1.0"))]
        assert gen.ask("ID?") == ("VXacq", "Simulator,VXG-65,S1,1.0")
    finally:
        stop.set()
        spewer.join()
        gen.close()


def test_malformed_event_is_ignored_not_fatal() -> None:
    with expected_protocol([(line("01 STATE?"), line("01 ACK STANDBY"))]) as gen:
        gen._transport.push(line("EV DONE x KV"))  # unparsable report
        gen._transport.push(line("EV STATE MELTING"))  # unknown state
        time.sleep(0.1)
        assert gen.garbled_lines == 2
        assert gen.poll_state() is GeneratorState.STANDBY


def test_simulated_mammography_tube_names_its_target_filter_per_kv() -> None:
    """Over the real line protocol: TF? follows the kV (Rh up to 30 kV, Ag above); a general
    radiography tube has no selection and says so."""
    from hardware_sim.simulator import Simulator

    with Simulator("MGTEST", time_scale=0.05) as sim:
        gen = SerialGenerator(sim.generator_url)
        try:
            gen.kv = 28
            assert gen.ask("TF?") == ("TUNGSTEN", "RHODIUM", "0.050")
            gen.kv = 32
            assert gen.ask("TF?") == ("TUNGSTEN", "SILVER", "0.050")
        finally:
            gen.close()
    with Simulator("DRTEST", time_scale=0.05) as sim:
        gen = SerialGenerator(sim.generator_url)
        try:
            with pytest.raises(GeneratorError, match="no target/filter selection"):
                gen.ask("TF?")
        finally:
            gen.close()
