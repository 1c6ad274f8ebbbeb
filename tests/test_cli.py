"""The command line as a user runs it: exit codes, one-line summaries, JSON on stdout."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

EXAMPLE = Path(__file__).parent.parent / "vxacq" / "resources" / "vxacq.example.toml"


def vxacq(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vxacq", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def subcommands(parser) -> dict:
    """The sub-command parsers of ``parser`` by name."""
    return next(a for a in parser._actions if a.dest == "command").choices


def test_a_command_builds_its_own_parser_alone() -> None:
    """`vxacq NAME ...` builds NAME's parser alone (cli.named_command): every command of the
    whole parser is found by its name, after --config FILE too, and its parser built alone
    is the one the whole parser has."""
    from vxacq import cli

    whole = subcommands(cli.build_parser())
    assert tuple(whole) == cli.COMMANDS
    for name, parser in whole.items():
        assert cli.named_command([name, "--help"]) == name
        assert cli.named_command(["--config", "x.toml", name]) == name
        assert cli.named_command(["--config=x.toml", name, "x"]) == name
        alone = subcommands(cli.build_parser(name))
        assert list(alone) == [name]
        assert alone[name].format_help() == parser.format_help()
    for argv in ([], ["--version"], ["--config", "x.toml"], ["nosuch"], ["-v", "echo"],
                 ["media_import"]):
        assert cli.named_command(argv) is None, argv


def test_a_mistyped_command_is_told_the_commands() -> None:
    result = vxacq("ecko", "archive")
    assert result.returncode == 2
    assert "invalid choice: 'ecko'" in result.stderr and "'echo'" in result.stderr


def test_version_names_implementation_uid() -> None:
    result = vxacq("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("vxacq ")
    assert "Implementation Class UID 2.25." in result.stdout


def test_config_check_ok_on_example() -> None:
    result = vxacq("--config", str(EXAMPLE), "config", "check")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout and result.stdout.count("\n") == 1


def test_config_check_json_goes_to_stdout() -> None:
    result = vxacq("config", "check", "--config", str(EXAMPLE), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["nodes"] == ["ris", "pacs", "cloud", "printer"]


def test_config_check_refuses_bad_file_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace('"ORTHANC"', '"A_VERY_LONG_AE_TITLE_X"'))
    result = vxacq("config", "check", "--config", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "node 'pacs': ae_title 'A_VERY_LONG_AE_TITLE_X' is longer than 16 characters" in result.stderr


def test_config_show_prints_defaults_as_json() -> None:
    result = vxacq("config", "show", "--config", str(EXAMPLE), "--json")
    data = json.loads(result.stdout)
    assert data["node"][1]["dimse_timeout"] == 60.0


def test_a_command_process_ends_without_teardown_yet_as_a_normal_exit(tmp_path: Path) -> None:
    """``vxacq COMMAND`` skips the interpreter's teardown (vxacq.__main__): what a normal exit
    does must still happen, in its order: a running non-daemon thread finishes, then the exit
    handlers run, buffered output reaches the pipe, and the exit status is the command's."""
    script = textwrap.dedent(f"""
        import atexit, pathlib, sys, threading, time
        from vxacq.__main__ import exit_without_teardown
        folder = pathlib.Path({str(tmp_path)!r})
        def late():
            time.sleep(0.2)
            (folder / "thread").write_text("done")
        def handler():
            (folder / "atexit").write_text((folder / "thread").read_text())
        atexit.register(handler)
        threading.Thread(target=late).start()
        sys.stdout.write("buffered, no newline")
        exit_without_teardown(3)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 3, result.stderr
    assert result.stdout == "buffered, no newline"
    assert (tmp_path / "atexit").read_text() == "done"  # after the thread had finished


def test_start_up_runs_without_the_cycle_collector_which_is_back_for_the_work() -> None:
    """The console script imports a command's modules with the cycle collector off; loading
    the configuration (every command's first step after its imports) freezes what start-up
    made and turns the collector back on for the command's work (vxacq.cli.pause_collection)."""
    script = textwrap.dedent(f"""
        import atexit, gc, json, sys
        from vxacq import cli, config
        seen = {{}}
        build, load = cli.build_parser, config.load
        def building(*args):
            seen["parser"] = gc.isenabled()
            return build(*args)
        def loading(path=None):
            seen["config"] = [gc.isenabled(), gc.get_freeze_count() > 0]
            return load(path)
        cli.build_parser, config.load = building, loading
        atexit.register(lambda: print(json.dumps(seen)))
        sys.argv = ["vxacq", "config", "check", "--config", {str(EXAMPLE)!r}]
        from vxacq.__main__ import main
        main()
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"parser": False, "config": [True, True]}


def test_main_called_in_a_process_leaves_its_collector_alone() -> None:
    import gc

    from vxacq import cli

    frozen = gc.get_freeze_count()
    assert cli.main(["config", "check", "--config", str(EXAMPLE)]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen
