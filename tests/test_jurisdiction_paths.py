"""Moving a jurisdiction takes everything below it along: filters by country follow."""

from django.urls import reverse

from practices.models import Jurisdiction

from .factories import make_jurisdiction, make_practice


def practice_titles(client, jurisdiction):
    url = reverse("practices:practice-list")
    response = client.get(url, {"jurisdiction": jurisdiction.slug})
    return {practice.title for practice in response.context["page_obj"]}


def test_moving_a_state_moves_its_cities_practices_to_the_new_country(client, db):
    old_country = make_jurisdiction("Old country")
    new_country = make_jurisdiction("New country")
    state = make_jurisdiction(
        "A state", parent=old_country, kind=Jurisdiction.Kind.STATE
    )
    city = make_jurisdiction("A city", parent=state)
    make_practice(title="City practice", jurisdiction=city)
    assert practice_titles(client, old_country) == {"City practice"}

    state.parent = new_country
    state.save()

    city.refresh_from_db()
    assert city.path == f"/{new_country.pk}/{state.pk}/{city.pk}/"
    assert practice_titles(client, new_country) == {"City practice"}
    assert practice_titles(client, old_country) == set()
