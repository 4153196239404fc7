"""User-facing messages of the import, export, report and plan routes (``api.work.*`` in
:mod:`texts`)."""

from workforce.services.messages import Catalogue

WORK_MESSAGES = Catalogue("api.work")
