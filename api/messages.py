"""User-facing messages of the HTTP layer (``api.http.*`` in :mod:`texts`)."""

from workforce.services.messages import Catalogue

API_MESSAGES = Catalogue("api.http")
