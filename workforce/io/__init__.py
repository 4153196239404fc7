"""Excel / CSV exchange of the registry: one declarative spec per entity
(:mod:`workforce.io.entities`) drives the template, the parser, the validation, the
all-or-nothing import and the export. See ``docs/import-formats.md``.
"""

from workforce.io.entities import SPECS, spec_for
from workforce.io.error_report import write_error_report
from workforce.io.exporter import UnknownSchool, export_entity
from workforce.io.importer import ImportReport, import_file
from workforce.io.template import write_template

__all__ = [
    "SPECS",
    "ImportReport",
    "UnknownSchool",
    "export_entity",
    "import_file",
    "spec_for",
    "write_error_report",
    "write_template",
]
