"""Shared form fields: an id beyond any integer column is an invalid choice, never a 500."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

HUGE = [str(2**63), str(-(2**63) - 1), "9" * 30]


@pytest.mark.parametrize("value", HUGE)
def test_huge_ids_are_invalid_choices_on_every_database(value):
    from django.core.exceptions import ValidationError

    from cms.models import Zona
    from portal.forms import ModelMultipleChoiceField

    field = ModelMultipleChoiceField(queryset=Zona.objects.all(), required=False)
    with pytest.raises(ValidationError) as refused:
        field.clean([value])
    assert refused.value.code == "invalid_choice"


def test_subscription_form_with_a_huge_zone_id_answers_400_in_italian(client):
    from newsletter.models import Subscriber

    response = client.post("/newsletter/iscrizione/", {"email": "huge@example.it", "privacy": "on", "zones": HUGE[0]})
    assert response.status_code == 400
    assert "Scegli un&#x27;opzione valida" in response.content.decode()
    assert not Subscriber.objects.exists()
