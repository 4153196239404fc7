"""User-facing messages of accounts and sign-in (``accounts.*`` in :mod:`texts`)."""

from workforce.services.messages import Catalogue

ACCOUNT_MESSAGES = Catalogue("accounts")
