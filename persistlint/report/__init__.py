"""The audit report: scores, markdown/JSON/SARIF output, Linear."""
