"""Many inputs at once: directories, globs, archives (zip, tar, tar.gz), nested archives."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from relaywatch.errors import SourceError
from tests.sources.helpers import ecs_doc, ndjson, rejected, run, write


def _tar(members: dict[str, bytes], *, compressed: bool) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if compressed else "w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_directory_is_read_recursively_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    write(tmp_path / "b" / "2.json", ndjson(ecs_doc("4625")))
    write(tmp_path / "a.json", ndjson(ecs_doc("4624")))
    records, _, stats = run([str(tmp_path)])
    assert [r.doc["event"]["code"] for r in records] == ["4624", "4625"]
    assert list(stats.by_source) == [str(tmp_path / "a.json"), str(tmp_path / "b" / "2.json")]


def test_non_log_files_in_a_directory_are_not_relevant_but_named_ones_are_rejected(
    tmp_path: Path,
) -> None:
    write(tmp_path / "README", b"notes about the case\n")
    write(tmp_path / "a.json", ndjson(ecs_doc()))
    _, skips, _ = run([str(tmp_path)])
    assert [(s.rejected, s.reason.split(":")[0]) for s in skips] == [(False, "unrecognized format")]
    _, skips, _ = run([str(tmp_path / "README")])
    assert rejected(skips) == [(0, "unrecognized format")]


def test_glob(tmp_path: Path) -> None:
    write(tmp_path / "x1.ndjson", ndjson(ecs_doc()))
    write(tmp_path / "x2.ndjson", ndjson(ecs_doc()))
    write(tmp_path / "y.ndjson", ndjson(ecs_doc()))
    records, _, _ = run([str(tmp_path / "x*.ndjson")])
    assert len(records) == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("missing.evtx", "no such file or directory", id="missing"),
        pytest.param("*.nothing", "no file matches", id="empty-glob"),
    ],
)
def test_a_path_naming_nothing_fails_the_run_before_reading(
    tmp_path: Path, name: str, message: str
) -> None:
    with pytest.raises(SourceError, match=message):
        run([str(tmp_path / name)])


@pytest.mark.parametrize("compressed", [True, False], ids=["tar.gz", "tar"])
def test_tar_members_are_read_without_unpacking(tmp_path: Path, compressed: bool) -> None:
    data = _tar(
        {"logs/a.json": ndjson(ecs_doc(), ecs_doc()), "logs/b.json": ndjson(ecs_doc())},
        compressed=compressed,
    )
    path = write(tmp_path / "case.bin", data)
    records, skips, _ = run([path])
    assert skips == []
    assert [str(r.provenance) for r in records] == [
        f"{path}!logs/a.json:1",
        f"{path}!logs/a.json:2",
        f"{path}!logs/b.json:1",
    ]


def test_zip_with_gzipped_member_and_nested_zip(tmp_path: Path) -> None:
    inner = _zip({"deep.json": ndjson(ecs_doc("4625"))})
    outer = _zip({"a.json.gz": gzip.compress(ndjson(ecs_doc("4624"))), "inner.zip": inner})
    path = write(tmp_path / "outer.zip", outer)
    records, skips, _ = run([path])
    assert skips == []
    assert [(r.provenance.source, r.doc["event"]["code"]) for r in records] == [
        (f"{path}!a.json.gz", "4624"),
        (f"{path}!inner.zip!deep.json", "4625"),
    ]


def test_bytes_after_the_last_gzip_member_are_ignored(tmp_path: Path) -> None:
    # The OTRF .tar.gz files end with a stray newline after the gzip stream.
    data = _tar({"a.json": ndjson(*[ecs_doc() for _ in range(300)])}, compressed=True) + b"\n"
    records, skips, _ = run([write(tmp_path / "a.tar.gz", data)])
    assert len(records) == 300 and skips == []


def test_concatenated_gzip_members_are_all_read(tmp_path: Path) -> None:
    data = gzip.compress(ndjson(ecs_doc())) + gzip.compress(ndjson(ecs_doc()))
    records, _, _ = run([write(tmp_path / "two.gz", data)])
    assert len(records) == 2


def test_truncated_tar_gz_keeps_what_was_read_and_reports_the_cut(tmp_path: Path) -> None:
    lines = b"".join(ndjson(ecs_doc(message=f"{i:06d}" * 40)) for i in range(2000))
    data = _tar({"a.json": lines}, compressed=True)
    records, skips, _ = run([write(tmp_path / "cut.tar.gz", data[: len(data) // 2])])
    assert 0 < len(records) < 2000
    assert [category for _, category in rejected(skips)] == ["truncated input"]


def test_corrupt_zip_is_one_rejection(tmp_path: Path) -> None:
    data = _zip({"a.json": ndjson(ecs_doc())})
    records, skips, _ = run([write(tmp_path / "bad.zip", data[:40])])
    assert records == [] and rejected(skips) == [(0, "corrupt archive")]
