"""Kibana-compatible alerts: documents, ids, reasons, pivot queries and output formats.

`build_alerts(rule, result, records, context)` turns one rule match into the alert documents
Kibana's detection engine would write to `.alerts-security.alerts-<space>`; see docs/alerts.md.
"""

from relaywatch.alerts.build import Alert, EqlResult, build_alerts
from relaywatch.alerts.context import AlertContext
from relaywatch.alerts.identity import SourceRef, source_ref

__all__ = ["Alert", "AlertContext", "EqlResult", "SourceRef", "build_alerts", "source_ref"]
