"""Property-based run over the OpenAPI description (schemathesis): whatever a client sends,
no route answers with a server error. Bounded (a few examples per operation, all operations
signed in as the administrator on one small district) to stay well under a minute."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from api.main import create_app

EXAMPLES_PER_OPERATION = 6


def test_no_operation_answers_with_a_server_error(district):
    app = create_app()
    try:
        _fuzz_every_operation(app, district.headers["admin"])
    finally:
        app.state.engine.dispose()


def _fuzz_every_operation(app, headers):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_server_error(case):  # type: ignore[no-untyped-def]
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error], headers=headers)

        no_server_error()
