"""Every string the pages show: the ``ui.*`` messages of the project catalogue (:mod:`texts`).

Templates call ``t("id", **params)``; page code raises errors with ``UI.text(message_id, …)``.
Ids that start with a prefix and end in a code (``status_draft``, ``pin_must_go``,
``stage_solving`` …) are looked up from that code, so every code a page can show has an entry.
"""

from workforce.services.messages import Catalogue

UI = Catalogue("ui")
