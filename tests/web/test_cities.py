"""The chosen city stays chosen from page to page: a cookie remembers it, the header's
links carry it, each city page has the switch; an unknown city is a short 404."""

from __future__ import annotations

import re

import pytest

CITY_PAGES = ("/", "/projects", "/plan", "/overview")


def _nav(page: str) -> dict[str, str]:
    nav = page[page.index("<nav"):page.index("</nav>")]
    return dict(re.findall(r'<a class="nav-link" href="([^"?]+)\??([^"]*)"', nav))


def test_a_city_chosen_on_one_page_is_the_city_of_the_next(client):
    first = client.get("/projects?city=baltimore")
    assert first.status_code == 200 and "spacematch_city=baltimore" in first.headers[
        "Set-Cookie"]
    for path in CITY_PAGES:
        page = client.get(path).get_data(as_text=True)
        main = page[page.index("<main"):page.index("</main>")]
        assert "Baltimore" in main and "Seoul" not in main and "서울" not in main, path
        links = _nav(page)
        assert {links[p] for p in CITY_PAGES} == {"city=baltimore"}, path
        assert '<option value="baltimore" selected>' in page, path  # the switch says which
    back = client.get("/plan?city=seoul")
    assert "spacematch_city=seoul" in back.headers["Set-Cookie"]
    page = client.get("/overview").get_data(as_text=True)
    assert "Baltimore" not in page[page.index("<main"):page.index("</main>")]


def test_a_place_page_is_in_its_citys_language_whatever_city_was_last_chosen(client):
    page = client.get("/projects?city=seoul").get_data(as_text=True)
    project = re.search(r'href="/projects/(\d+)"', page).group(1)
    client.get("/projects?city=baltimore")
    french = {"Accept-Language": "fr-FR"}  # a language we do not have: the city decides
    assert '<html lang="ko">' in client.get(f"/projects/{project}", headers=french).get_data(
        as_text=True)
    assert '<html lang="en">' in client.get("/projects", headers=french).get_data(as_text=True)


def test_the_switch_keeps_the_overviews_choices_and_waits_for_its_button(client):
    page = client.get("/overview?city=seoul&measure=open_projects&sort=name&order=asc"
                      ).get_data(as_text=True)
    switch = page[page.index('<form class="d-flex ms-auto city-switch"'):]
    switch = switch[:switch.index("</form>")]
    for name, value in (("measure", "open_projects"), ("sort", "name"), ("order", "asc")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in switch
    assert "onchange" not in switch and '<button class="btn btn-sm btn-light ms-1 text-nowrap" ' \
        'type="submit">' in switch


def test_pages_about_a_place_or_project_lead_on_in_its_city(client):
    page = client.get("/projects?city=baltimore").get_data(as_text=True)
    project = re.search(r'href="/projects/(\d+)"', page).group(1)
    client.get("/projects?city=seoul")  # the cookie says Seoul; the project is Baltimore's
    shown = client.get(f"/projects/{project}").get_data(as_text=True)
    assert _nav(shown)["/projects"] == "city=baltimore"


def test_a_city_no_longer_loaded_is_forgotten_not_an_error(client):
    client.set_cookie("spacematch_city", "atlantis")
    page = client.get("/projects")
    assert "spacematch_city=;" in page.headers["Set-Cookie"]  # the cookie goes
    assert client.get_cookie("spacematch_city") is None
    text = page.get_data(as_text=True)
    main = text[text.index("<main"):text.index("</main>")]
    assert page.status_code == 200 and "Baltimore" not in main


@pytest.mark.parametrize("path", CITY_PAGES)
def test_an_unknown_city_is_a_404_that_does_not_echo_it_whole(client, path):
    asked = "x" * 9000
    answer = client.get(f"{path}?city={asked}")
    # links back to the page asked for (sign in, the language switch) keep it whole
    text = re.sub(r'href="[^"]*"', "", answer.get_data(as_text=True))
    assert answer.status_code == 404 and asked not in text
    assert "No city &#39;" + "x" * 40 + "…&#39; has been loaded" in text
    assert "spacematch_city" not in answer.headers.get("Set-Cookie", "")
