"""The detection run behind `relaywatch scan` and `relaywatch coverage`.

`run_scan(paths, rules, options)` reads every input, puts all events into one timestamp
order across files, runs every rule's streaming matcher over it and builds the alerts;
`Coverage` says which rules the data cannot support. See docs/usage.md.
"""

from relaywatch.detect.coverage import Coverage, CoverageReport, RuleCoverage
from relaywatch.detect.order import TimeOrder
from relaywatch.detect.run import ScanOptions, ScanResult, run_scan

__all__ = [
    "Coverage",
    "CoverageReport",
    "RuleCoverage",
    "ScanOptions",
    "ScanResult",
    "TimeOrder",
    "run_scan",
]
