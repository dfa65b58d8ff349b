"""Officials read every pairing step, filtered by district, person and dates."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from spacematch.db.models import Area, MatchEvent
from spacematch.domain.days import today_in
from spacematch.extensions import db

from .test_pairing_pages import _post, _request_data, _world


def _steps(client, query: str = "") -> list[tuple[str, str]]:
    answer = client.get(f"/decisions?city=seoul{query}")
    assert answer.status_code == 200, answer.status_code
    return re.findall(r'data-pairing="(\d+)" data-to="(\w+)"', answer.get_data(as_text=True))


def test_officials_read_the_decisions_by_district_person_and_date(seoul_app):
    app = seoul_app
    w = _world(app)
    ask = f"/projects/{w['project']}/spaces/{w['place']}/request"
    pairing = _post(w["group"], ask, **_request_data(w["workshop"])).headers["Location"]
    pairing = pairing.rsplit("/", 1)[1]
    _post(w["owner"], f"/pairings/{pairing}/accept", f"/pairings/{pairing}",
          message="Keys at the desk <b>9</b>")
    _post(w["official"], f"/pairings/{pairing}/approve", f"/pairings/{pairing}", message="")
    official = w["official"]
    # no first day named: it started at once, a step no person took
    assert _steps(official) == [(pairing, "active"), (pairing, "approved"),
                                (pairing, "accepted"), (pairing, "requested")]
    page = official.get("/decisions?city=seoul").get_data(as_text=True)
    assert "Keys at the desk &lt;b&gt;9&lt;/b&gt;" in page
    assert _steps(official, "&person=the+OWNER") == [(pairing, "accepted")]
    assert _steps(official, "&person=owner%40example") == [(pairing, "accepted")]
    assert _steps(official, "&person=%25") == []  # a wildcard is a character, not a pattern
    with app.app_context():
        jongno = db.session.scalar(select(Area.id).where(Area.name_en == "Jongno-gu"))
        mapo = db.session.scalar(select(Area.id).where(Area.name_en == "Mapo-gu"))
    assert len(_steps(official, f"&district={jongno}")) == 4
    assert _steps(official, f"&district={mapo}") == []
    today = today_in("Asia/Seoul")  # the days of the city's people, not of UTC
    tomorrow = today + timedelta(days=1)
    assert len(_steps(official, f"&from={today}&to={today}")) == 4
    assert _steps(official, f"&from={tomorrow}") == []
    bad = official.get(f"/decisions?city=seoul&from={tomorrow}&to={today}&district=x")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "<strong>to</strong>: is before the start" in text
    assert "<strong>district</strong>: must be the id of a district" in text
    assert official.get("/decisions?city=seoul&district=999999").status_code == 404
    for who in ("group", "owner"):
        assert w[who].get("/decisions?city=seoul").status_code == 403


def test_the_days_and_times_of_decisions_are_the_citys(seoul_app):
    w = _world(seoul_app)
    ask = f"/projects/{w['project']}/spaces/{w['place']}/request"
    pairing = _post(w["group"], ask, **_request_data(w["workshop"])).headers["Location"]
    pairing = pairing.rsplit("/", 1)[1]
    with seoul_app.app_context():
        step = db.session.scalars(select(MatchEvent).where(
            MatchEvent.match_id == int(pairing))).one()
        step.at = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)  # 00:30 on 2 March in Seoul
        db.session.commit()
    official = w["official"]
    assert _steps(official, "&from=2026-03-02&to=2026-03-02") == [(pairing, "requested")]
    assert _steps(official, "&from=2026-03-01&to=2026-03-01") == []
    page = official.get("/decisions?city=seoul").get_data(as_text=True)
    assert "2026-03-02 00:30 KST" in page
    timeline = w["group"].get(f"/pairings/{pairing}").get_data(as_text=True)
    assert "2026-03-02 00:30 KST" in timeline
