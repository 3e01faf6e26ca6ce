"""relaywatch: run Elastic EQL detection rules on Windows event logs without an Elastic stack."""

__version__ = "0.1.0"
