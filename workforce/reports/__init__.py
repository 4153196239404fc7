"""Oversight reports: each report is a function returning a typed, JSON-serialisable
:class:`~workforce.reports.result.Report`; :mod:`workforce.reports.output` saves it as xlsx or
JSON and :mod:`workforce.reports.charts` draws its chart."""
