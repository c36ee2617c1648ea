import pytest
from django.test import RequestFactory

from audit.services import audit_record
from ops.clients import client_address
from tests.factories import complaint

pytestmark = pytest.mark.django_db


def test_the_audit_trail_records_the_client_behind_a_trusted_proxy(settings):
    settings.CANDOR_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    event = audit_record(
        action="case.view", submission=complaint().submission, client=client_address(request)
    )
    assert event.ip_address == "198.51.100.7"  # the proxy saw it; 1.2.3.4 was written by the client
