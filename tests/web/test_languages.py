"""One language at a time: Korean for Korean cities, English for others, unless the browser
or the person's own choice says otherwise; the header's switch remembers the choice."""

from __future__ import annotations

import re

import pytest

from spacematch.web.i18n import COOKIE

NO_PREFERENCE = {"Accept-Language": ""}
KOREAN = {"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


def _lang(html: str) -> str:
    return re.search(r'<html lang="(\w+)"', html).group(1)


def _page(client, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_a_korean_city_is_shown_in_korean_and_another_in_english(client):
    seoul = _page(client, "/", NO_PREFERENCE)
    assert _lang(seoul) == "ko"
    assert ">지도</a>" in seoul and ">Map</a>" not in seoul
    baltimore = _page(client, "/?city=baltimore", NO_PREFERENCE)
    assert _lang(baltimore) == "en"
    assert ">Map</a>" in baltimore and ">지도</a>" not in baltimore


def test_the_browsers_language_comes_before_the_citys(client):
    assert _lang(_page(client, "/?city=baltimore", KOREAN)) == "ko"
    assert _lang(_page(client, "/", ENGLISH)) == "en"
    # a language we do not have: the city decides, the one named or the one last chosen
    french = {"Accept-Language": "fr-FR"}
    assert _lang(_page(client, "/", french)) == "en"  # Baltimore, chosen above
    assert _lang(_page(client, "/?city=seoul", french)) == "ko"
    assert _lang(_page(client, "/plan", french)) == "ko"


def test_the_switch_remembers_the_choice_over_the_browser(client):
    html = _page(client, "/projects?city=baltimore", ENGLISH)
    link = re.search(r'<a class="nav-link" href="([^"]+)" lang="ko"[^>]*>한국어</a>', html)
    assert link, "the header offers Korean on an English page"
    switch = client.get(link.group(1).replace("&amp;", "&"), headers=ENGLISH)
    assert switch.status_code == 302
    assert switch.headers["Location"] == "/projects?city=baltimore"
    cookie = switch.headers["Set-Cookie"]
    assert f"{COOKIE}=ko" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    after = _page(client, "/projects?city=baltimore", ENGLISH)
    assert _lang(after) == "ko" and ">프로젝트</a>" in after
    assert 'lang="en"' in after and ">English</a>" in after
    client.get("/language/en?next=/", headers=ENGLISH)
    assert _lang(_page(client, "/", KOREAN)) == "en"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil",
                                    "javascript:alert(1)", "",
                                    "/\r\nLocation: https://evil.example/"])
def test_the_switch_only_goes_back_to_this_site(client, target):
    response = client.get("/language/ko", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_not_remembered(client):
    response = client.get("/language/fr?next=/projects")
    assert response.status_code == 302 and "Set-Cookie" not in response.headers


def test_error_pages_are_in_the_chosen_language(client):
    ko = client.get("/spaces/999999", headers=KOREAN)
    assert ko.status_code == 404
    html = ko.get_data(as_text=True)
    assert _lang(html) == "ko" and "찾을 수 없습니다" in html
    assert "We could not find that" not in html
    en = client.get("/spaces/999999", headers=ENGLISH).get_data(as_text=True)
    assert "We could not find that" in en and "찾을 수 없습니다" not in en


def test_a_bad_input_page_names_the_field_and_its_problem_in_korean(client):
    response = client.get("/overview?city=seoul&level=planet", headers=KOREAN)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "보내신 내용 중 받아들일 수 없는 항목이 있습니다" in html
    assert "<strong>level</strong>: district, neighbourhood 중 하나여야 합니다" in html
    assert "Invalid input" not in html and "must be one of" not in html
    api = client.get("/api/projects/1/suggestions?k=many", headers=KOREAN).get_json()
    assert api["error"]["fields"][0]["problem"] == "'many' is not a number"  # JSON: English


def test_pages_say_that_they_differ_by_language(client):
    vary = client.get("/").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_weekdays_and_explanations_follow_the_language(client):
    plan = client.get("/api/cities/seoul/plan").get_json()
    pid = plan["pairings"][0]["project_id"]
    ko = client.get(f"/projects/{pid}", headers=KOREAN).get_data(as_text=True)
    en = client.get(f"/projects/{pid}", headers=ENGLISH).get_data(as_text=True)
    days = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b")
    assert days.search(en) and not days.search(ko.split("<main")[1].split("<script")[0])
    assert re.search(r"[월화수목금토일](?:–[월화수목금토일])? \d\d:\d\d", ko)
    assert ">면적<" in ko and ">area<" in en  # criterion names


def test_the_home_maps_popups_name_areas_in_the_pages_language(client, demo_sqlite_app):
    from sqlalchemy import select

    from spacematch.db.models import Area, City, Space
    from spacematch.extensions import db

    with demo_sqlite_app.app_context():
        local, english = db.session.execute(
            select(Area.name, Area.name_en).join(Space, Space.area_id == Area.id).join(City)
            .where(City.slug == "seoul", Space.status == "listed", Area.name_en.is_not(None))
            .order_by(Space.id).limit(1)).one()
    import json

    data = re.compile(r"var data = (\[.*?\]);", re.S)

    def areas(headers):  # each marker's row: [lat, lon, title, kind, m², people, area, id]
        return {row[6] for row in json.loads(data.search(_page(client, "/", headers))[1])}

    en, ko = areas(ENGLISH), areas(KOREAN)
    assert english in en and local not in en
    assert local in ko and english not in ko


def test_werkzeugs_own_error_pages_are_in_the_chosen_language(client):
    page = client.get("/no/such/page", headers=KOREAN)
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "이 주소에는 페이지가 없습니다" in html and "The requested URL was not found" not in html
    english = client.get("/no/such/page", headers=ENGLISH).get_data(as_text=True)
    assert "There is no page at this address" in english
