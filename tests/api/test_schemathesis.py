"""schemathesis against the REST API's own OpenAPI spec (issue 14): no input, valid or
not, makes the API answer a server error, for the widest and the narrowest role; every
error answers in the one shape {"message": ..., "code": <status>}.

In process (WSGI, no server), a bounded number of examples per operation, derandomized
so that every run sends the same requests.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.api.test_rest_api import _get, _token

EXAMPLES = 20
# the accounts whose tokens call the API: Sở Nội vụ reads the whole province (the widest
# role that holds data; the admin reads the spec), Cá nhân only her own unit
ROLES = ("sonoivu", "canhan")


def _operations(spec):
    schema = schemathesis.openapi.from_dict(spec)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8, [op.label for op in operations]
    return operations


def _server_errors(app, operation, mode, headers):
    """The requests of ``operation`` in ``mode`` that got a 5xx or an error off the shape."""
    found = []

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call(app=app, headers=headers)
        if response.status_code >= 500:
            found.append((operation.label, response.status_code, case.as_curl_command()))
        elif response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = None
            if not (isinstance(body, dict) and body.get("code") == response.status_code
                    and isinstance(body.get("message"), str)):
                found.append((operation.label, response.status_code, body))

    try:
        run()
    except Unsatisfiable:
        # nothing in the operation can be sent wrong (no parameters, no body)
        assert mode == GenerationMode.NEGATIVE, operation.label
    return found


@pytest.mark.parametrize("username", ROLES)
def test_no_server_error_on_any_operation(app, province, client, username):
    spec = _get(client, "/api/v1/_openapi", _token(client, "quantri")).get_json()
    headers = {"Authorization": "Bearer " + _token(client, username)}
    found = []
    for operation in _operations(spec):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            found += _server_errors(app, operation, mode, headers)
    assert found == []
