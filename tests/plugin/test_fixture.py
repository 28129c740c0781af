"""The interpose_fs fixture: memory writes, read-only mappings, events, restoration, tmp_path, sessions."""

from __future__ import annotations

import pytest

PLUGIN: tuple[str, ...] = ()  # loaded through the pytest11 entry point, as users get it


def test_fixture_in_a_plain_run(pytester: pytest.Pytester) -> None:
    real = pytester.mkdir("real")
    (real / "data.txt").write_text("real data")
    (real / "sub").mkdir()
    (real / "sub" / "more.txt").write_text("more")
    pytester.makepyfile(
        f"""
        import os, pytest
        REAL = {str(real)!r}

        def test_memory(interpose_fs):
            os.makedirs(REAL + "/new/deep")
            with open(REAL + "/new/deep/f.txt", "w") as f:
                f.write("in memory")
            assert open(REAL + "/new/deep/f.txt").read() == "in memory"
            assert not os.path.exists(REAL + "/data.txt")  # nothing real unless mapped

        def test_mapped(interpose_fs):
            interpose_fs.add_real_file(REAL + "/data.txt")
            interpose_fs.add_real_directory(REAL + "/sub")
            assert open(REAL + "/data.txt").read() == "real data"
            assert os.listdir(REAL + "/sub") == ["more.txt"]
            with pytest.raises(OSError) as info:
                open(REAL + "/data.txt", "w")
            assert info.value.errno == 30  # EROFS
            with pytest.raises(OSError):
                open(REAL + "/sub/other.txt", "w")

        def test_events(interpose_fs):
            with pytest.raises(Exception):
                os.access("/", os.R_OK, effective_ids=True)
            assert interpose_fs.counts() == {{"fs.access_effective_ids": 1}}
            assert interpose_fs.events()[0]["test"].endswith("::test_events")

        def test_with_tmp_path(interpose_fs, tmp_path):
            assert os.listdir(tmp_path) == []  # an empty directory in memory at the same path
            (tmp_path / "t.txt").write_text("memory")
            assert (tmp_path / "t.txt").read_text() == "memory"

        def test_next_test_sees_the_real_os(tmp_path):
            import interpose
            assert not interpose.is_active()
            assert sorted(os.listdir(REAL)) == ["data.txt", "sub"]
            assert open(REAL + "/data.txt").read() == "real data"
        """
    )
    result = pytester.runpytest_subprocess(*PLUGIN, "-p", "no:randomly")
    result.assert_outcomes(passed=5)
    assert sorted(p.name for p in real.iterdir()) == ["data.txt", "sub"]  # nothing landed on the host
    assert sorted(p.name for p in (real / "sub").iterdir()) == ["more.txt"]
    result.stdout.fnmatch_lines(["*::test_events", "  fs.access_effective_ids (INFO) x1: *"])
    tmp_dirs = list(pytester.path.glob("runpytest-0/test_with_tmp_path0"))
    assert tmp_dirs and list(tmp_dirs[0].iterdir()) == []  # the real tmp_path stayed empty


def test_failure_report_shows_the_source(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fails(interpose_fs):
            value = 1
            assert value == 2
        """
    )
    result = pytester.runpytest_subprocess(*PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([">       assert value == 2"])


def test_under_a_native_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os, interpose
        from interpose import activation
        def test_java_for_this_test(interpose_fs):
            assert activation.active().settings.backend == "java"
            os.mkdir("/only-in-memory")
        def test_native_again():
            assert activation.active().settings.backend == "native"
            assert not os.path.exists("/only-in-memory")
        """
    )
    result = pytester.runpytest_subprocess(*PLUGIN, "--interpose=native", "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_refused_under_a_java_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(interpose_fs): pass")
    result = pytester.runpytest_subprocess(*PLUGIN, "--interpose=java")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*interpose_fs cannot run while the whole process is interposed on the java backend*"])
