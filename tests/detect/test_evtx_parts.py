"""One large .evtx log read in chunk ranges by several processes gives one read's result.

Every case scans with `jobs=1` (the whole log in one read) and with `jobs=2` and a part
size of one chunk, so that the log is split after every chunk that allows it, and
compares everything a user sees (`tests/detect/test_parallel._observable`): the alert
file, the read account with the locations and messages of every rejection, coverage and
host facts. The parser's damaged samples put corrupt chunks and records near the splits.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from relaywatch.detect import run_scan
from relaywatch.rules.model import Rule
from relaywatch.sources import evtxfile, evtxparts
from relaywatch.sources.evtxparts import (
    CHUNK_SIZE,
    HEADER_SIZE,
    _last_record_if_clean,
    _LogPart,
    chunk_ranges,
)
from tests.detect.conftest import SMB, options
from tests.detect.test_parallel import SMALLEST, _observable
from tests.shared import shared_files, shared_path

SAMPLES = [path for path in shared_files("*.evtx", "data", "evtx-samples")
           if path.stat().st_size > 2 * CHUNK_SIZE + HEADER_SIZE]  # fmt: skip
SB = "sbousseaden__EVTX-ATTACK-SAMPLES"
# Logs with alerts of the SMB rule (MANIFEST.md), one chunk each.
WITH_ALERTS = (
    "Lateral Movement__LM_renamed_psexecsvc_5145.evtx",
    "Discovery__discovery_bloodhound.evtx",
    "Discovery__dicovery_4661_net_group_domain_admins_target.evtx",
)


def _chunks(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [data[at : at + CHUNK_SIZE] for at in range(HEADER_SIZE, len(data), CHUNK_SIZE)]


def _stitched(tmp: Path) -> Path:
    """One log of many chunks: a damaged sample's chunks with chunks that raise alerts
    between them, under the sample's file header (the parser reads every chunk that
    follows a header, as Windows-written logs also hold more chunks than it counts)."""
    damaged = shared_path("data", "evtx-samples", "sample_with_a_bad_chunk_magic.evtx")
    alerting = [_chunks(shared_path("data", "datasets", SB, name))[0] for name in WITH_ALERTS]
    chunks = _chunks(damaged)
    for offset, chunk in enumerate(alerting):
        chunks.insert(3 + 5 * offset, chunk)
    path = tmp / "stitched.evtx"
    path.write_bytes(damaged.read_bytes()[:HEADER_SIZE] + b"".join(chunks))
    return path


def _same_in_parts(path: Path, rules: tuple[Rule, ...]) -> None:
    size = path.stat().st_size
    assert len(chunk_ranges(str(path), size, CHUNK_SIZE)) > 2
    alone = run_scan([str(path)], rules, options(jobs=1))
    parts = run_scan([str(path)], rules, options(jobs=2, part_bytes=CHUNK_SIZE, memory=SMALLEST))
    assert _observable(parts) == _observable(alone)


@pytest.mark.parametrize("path", SAMPLES, ids=[path.name[:60] for path in SAMPLES])
def test_damaged_and_sound_samples_read_in_parts_as_in_one_read(
    path: Path, all_rules: tuple[Rule, ...]
) -> None:
    _same_in_parts(path, all_rules)


def test_a_log_with_alerts_and_corrupt_chunks_gives_the_same_alerts(
    tmp_path: Path, all_rules: tuple[Rule, ...]
) -> None:
    path = _stitched(tmp_path)
    _same_in_parts(path, all_rules)
    alone = run_scan([str(path)], all_rules, options(jobs=1))
    assert sum(alert["kibana.alert.rule.rule_id"] == SMB for alert in alone.alerts) == 6
    assert alone.stats.rejected  # the corrupt chunks, numbered as in the whole log


def test_a_cut_off_log_reports_the_cut_once(tmp_path: Path, all_rules: tuple[Rule, ...]) -> None:
    whole = _stitched(tmp_path)
    cut = tmp_path / "cut.evtx"
    cut.write_bytes(whole.read_bytes()[: -CHUNK_SIZE // 2])
    _same_in_parts(cut, all_rules)


def test_ranges_cover_every_chunk_once_and_start_after_a_clean_chunk(tmp_path: Path) -> None:
    path = _stitched(tmp_path)
    data = path.read_bytes()
    ranges = chunk_ranges(str(path), len(data), 2 * CHUNK_SIZE)
    starts = [part.first for part in ranges]
    assert starts[0] == 0 and starts == sorted(set(starts)) and len(starts) > 3
    assert [part.end for part in ranges[:-1]] == starts[1:] and ranges[-1].end is None
    for part in ranges[1:]:
        # The chunk before decodes on its own, and the reader would be at its last record.
        before = HEADER_SIZE + (part.first - 1) * CHUNK_SIZE
        chunk = data[:HEADER_SIZE] + data[before : before + CHUNK_SIZE]
        assert _last_record_if_clean(chunk) == part.last_record


def test_a_damaged_stretch_only_moves_a_split_further(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _stitched(tmp_path)
    monkeypatch.setattr(evtxparts, "SEARCH_CHUNKS", 1)  # chunks 1 and 2 hold no record
    ranges = chunk_ranges(str(path), path.stat().st_size, CHUNK_SIZE)
    assert [part.first for part in ranges][:3] == [0, 1, 4]


def test_a_log_given_up_stops_in_every_part(
    tmp_path: Path, all_rules: tuple[Rule, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader gives a log up after so many consecutive failures: at the first here
    # (chunk 7, zeros), so the chunks with alerts after it are not read, in one read or
    # in parts (the parent drops the parts after the one that gave up).
    monkeypatch.setattr(evtxfile, "MAX_CONSECUTIVE_ERRORS", 1)
    path = _stitched(tmp_path)
    _same_in_parts(path, all_rules)
    alone = run_scan([str(path)], all_rules, options(jobs=1))
    assert sum(alert["kibana.alert.rule.rule_id"] == SMB for alert in alone.alerts) == 4


def test_small_and_other_files_are_read_whole(tmp_path: Path) -> None:
    path = _stitched(tmp_path)
    size = path.stat().st_size
    assert chunk_ranges(str(path), size, size) == []
    other = tmp_path / "other.evtx"
    other.write_bytes(b"x" * size)
    assert chunk_ranges(str(other), size, CHUNK_SIZE) == []


def test_a_log_part_ends_where_the_file_now_ends(tmp_path: Path) -> None:
    """A log that shrank after it was planned: the part's window ends at the file's end,
    as a read of the whole file would find it."""
    path = _stitched(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: HEADER_SIZE + 2 * CHUNK_SIZE + 100])  # after planning
    with _LogPart(str(path), HEADER_SIZE + CHUNK_SIZE, len(data)) as window:
        assert window.seek(0, io.SEEK_END) == HEADER_SIZE + CHUNK_SIZE + 100
        window.seek(0)
        assert (
            window.read()
            == data[:HEADER_SIZE] + data[HEADER_SIZE + CHUNK_SIZE :][: CHUNK_SIZE + 100]
        )
