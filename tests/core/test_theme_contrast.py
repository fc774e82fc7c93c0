"""Themes the platform makes readable: computed colour pairs, refusals under 4.5:1 and 3:1, and a
preview that saves nothing (issue 19)."""

from __future__ import annotations

import pytest

from core.colour import (
    CONTROL_CONTRAST,
    DARK_TEXT,
    LIGHT_TEXT,
    TEXT_CONTRAST,
    contrast_ratio,
    text_colour_on,
    theme_pairs,
)
from tests.support.apps import probe_app
from tests.support.auth import signed_in_as

PREVIEW_CSS = "/t/aalst/beheer/thema/voorbeeld.css"
GOOD = {"primary": "#1d4f91", "primary_text": "#ffffff", "accent": "#e8f0fb"}


@pytest.fixture
def app(sqlite_settings):
    return probe_app(sqlite_settings)


@pytest.fixture
def admin_client(app):
    client = app.test_client()
    signed_in_as(client, app, "aalst", "beheerder", ["tenant_admin"])
    return client


# -- the computation ------------------------------------------------------------------------


@pytest.mark.parametrize("background", ["#ffd700", "#1d4f91", "#7a1f3d", "#00605a", "#9ec5fe"])
def test_the_text_colour_on_a_colour_is_the_one_of_white_and_near_black_that_reads_best(
    background,
):
    chosen = text_colour_on(background)
    other = LIGHT_TEXT if chosen == DARK_TEXT else DARK_TEXT
    assert chosen in (LIGHT_TEXT, DARK_TEXT)
    assert contrast_ratio(chosen, background) >= contrast_ratio(other, background)


def test_yellow_gets_dark_text_and_dark_blue_white_text():
    assert text_colour_on("#ffd700") == DARK_TEXT
    assert text_colour_on("#1d4f91") == LIGHT_TEXT


def test_every_pair_of_a_theme_is_listed_with_its_ratio_and_what_it_needs():
    pairs = {pair.name: pair for pair in theme_pairs("#1d4f91", "#ffffff", "#e8f0fb")}
    assert {
        "text_on_primary",
        "header_link",
        "link_on_page",
        "menu_text_on_accent",
        "secondary_border_on_page",
        "focus_on_page",
        "focus_on_accent",
        "focus_on_header",
    } <= set(pairs)
    assert pairs["text_on_primary"].needed == TEXT_CONTRAST
    assert pairs["focus_on_header"].needed == CONTROL_CONTRAST
    assert pairs["secondary_border_on_page"].needed == CONTROL_CONTRAST
    for pair in pairs.values():
        assert pair.ratio == pytest.approx(contrast_ratio(pair.foreground, pair.background))
        assert pair.passes


def test_an_empty_text_colour_is_computed_and_the_header_link_and_ring_follow_it():
    pairs = {pair.name: pair for pair in theme_pairs("#ffd700", "", "#fff8d0")}
    assert pairs["text_on_primary"].foreground == DARK_TEXT
    assert pairs["header_link"].foreground == DARK_TEXT
    assert pairs["focus_on_header"].foreground == DARK_TEXT
    assert pairs["text_on_primary"].passes and pairs["focus_on_header"].passes
    # Yellow reads under dark text, but yellow links on the white page do not.
    assert not pairs["link_on_page"].passes


def test_a_colour_followed_by_a_newline_is_no_colour():
    from core.tenancy import Theme

    assert not Theme.COLOUR.match("#1d4f91\n")
    assert Theme.from_dict({"primary": "#1d4f91\n}body{"}).primary == Theme().primary


def test_a_focus_ring_colour_that_disappears_on_the_page_fails_its_3_to_1_pair():
    # GOV.UK's yellow ring on a white page: the issue measured 1.4-1.6:1.
    pairs = {pair.name: pair for pair in theme_pairs("#1d4f91", "#ffffff", "#e8f0fb", "#ffbf47")}
    assert not pairs["focus_on_page"].passes
    assert pairs["focus_on_page"].ratio < CONTROL_CONTRAST


# -- the admin's form -----------------------------------------------------------------------


def test_the_form_shows_the_colours_the_pages_wear_also_the_defaults(app, admin_client):
    # Aalst's tenant file sets no colours: the form starts from what theme.css serves.
    css = admin_client.get("/t/aalst/theme.css").text
    page = admin_client.get("/t/aalst/beheer/").text
    for field in ("primary", "primary_text", "accent"):
        value = css.split(f"--opvangplein-{field.replace('_', '-')}: ", 1)[1].split(";", 1)[0]
        assert f'id="theme-{field}" name="{field}"' in page
        assert f'value="{value}"' in page.split(f'id="theme-{field}"', 1)[1].split(">", 1)[0]


def test_an_empty_text_colour_saves_the_computed_one(app, admin_client):
    chosen = {"primary": "#00605a", "primary_text": "#eeeeee", "accent": "#e3f1ef"}
    assert admin_client.post("/t/aalst/beheer/thema", data=chosen).status_code == 302
    assert "--opvangplein-primary-text: #eeeeee;" in admin_client.get("/t/aalst/theme.css").text
    automatic = admin_client.post("/t/aalst/beheer/thema", data={**chosen, "primary_text": ""})
    assert automatic.status_code == 302
    css = admin_client.get("/t/aalst/theme.css").text
    assert f"--opvangplein-primary-text: {LIGHT_TEXT};" in css
    assert f"--opvangplein-header-link: {LIGHT_TEXT};" in css
    assert f"--opvangplein-header-focus: {LIGHT_TEXT};" in css


def test_yellow_with_automatic_text_is_refused_for_its_links_not_its_header_text(app, admin_client):
    refused = admin_client.post(
        "/t/aalst/beheer/thema",
        data={"primary": "#ffd700", "primary_text": "", "accent": "#fff8d0"},
    )
    assert refused.status_code == 422
    assert 'href="#theme-primary"' in refused.text
    assert 'href="#theme-primary_text"' not in refused.text


def test_a_focus_ring_under_3_to_1_is_refused_naming_its_ratio(app, admin_client):
    before = admin_client.get("/t/aalst/theme.css").text
    refused = admin_client.post("/t/aalst/beheer/thema", data={**GOOD, "focus": "#ffbf47"})
    assert refused.status_code == 422
    assert 'id="theme-focus"' in refused.text and 'href="#theme-focus"' in refused.text
    assert "3,0:1" in refused.text
    assert f"{contrast_ratio('#ffbf47', '#ffffff'):.1f}".replace(".", ",") + ":1" in refused.text
    assert admin_client.get("/t/aalst/theme.css").text == before


def test_a_chosen_focus_ring_that_reads_is_saved_and_served(app, admin_client):
    saved = admin_client.post("/t/aalst/beheer/thema", data={**GOOD, "focus": "#7a1f3d"})
    assert saved.status_code == 302
    assert "--opvangplein-focus: #7a1f3d;" in admin_client.get("/t/aalst/theme.css").text


def test_the_preview_shows_the_proposed_colours_and_their_ratios_and_saves_nothing(
    app, admin_client
):
    before = admin_client.get("/t/aalst/theme.css").text
    proposed = {"primary": "#7a1f3d", "primary_text": "", "accent": "#f6e8ee", "preview": "1"}
    response = admin_client.post("/t/aalst/beheer/thema", data=proposed)
    assert response.status_code == 200
    assert 'class="theme-preview"' in response.text
    assert (
        'href="/t/aalst/beheer/thema/voorbeeld.css?primary=%237a1f3d&amp;primary_text=%23ffffff'
        "&amp;accent=%23f6e8ee&amp;focus=%231a1a1a"
    ) in response.text
    ratio = f"{contrast_ratio('#ffffff', '#7a1f3d'):.1f}".replace(".", ",")
    assert f"{ratio}:1" in response.text
    assert "Aalst" in response.text.split('class="theme-preview"', 1)[1]
    assert admin_client.get("/t/aalst/theme.css").text == before
    assert 'value="#7a1f3d"' in response.text  # the form keeps what was proposed


def test_a_preview_of_an_unreadable_theme_shows_why_and_saves_nothing(app, admin_client):
    before = admin_client.get("/t/aalst/theme.css").text
    response = admin_client.post(
        "/t/aalst/beheer/thema", data={**GOOD, "focus": "#ffbf47", "preview": "1"}
    )
    assert response.status_code == 422
    assert 'class="theme-preview"' in response.text and "3,0:1" in response.text
    assert admin_client.get("/t/aalst/theme.css").text == before


def test_a_preview_of_a_malformed_colour_shows_the_error_and_no_preview(app, admin_client):
    response = admin_client.post(
        "/t/aalst/beheer/thema", data={**GOOD, "primary": "red;}body{", "preview": "1"}
    )
    assert response.status_code == 422
    assert 'href="#theme-primary"' in response.text
    assert "theme-preview" not in response.text.replace('name="preview"', "")
    assert "voorbeeld.css" not in response.text


def test_the_preview_stylesheet_sets_the_colours_inside_the_preview_only(app, admin_client):
    response = admin_client.get(
        PREVIEW_CSS,
        query_string={
            "primary": "#7a1f3d",
            "primary_text": "#ffffff",
            "accent": "#f6e8ee",
            "focus": "#1a1a1a",
        },
    )
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert response.text.startswith(".theme-preview {")
    assert ":root" not in response.text
    assert "--opvangplein-primary: #7a1f3d;" in response.text
    assert (
        admin_client.head(PREVIEW_CSS, query_string={**GOOD, "focus": "#1a1a1a"}).status_code == 200
    )


@pytest.mark.parametrize(
    "primary",
    [
        "red;}body{display:none",
        "#1d4f91;}*{background:url(//evil.example/x)}",
        "#1d4f9",
        "#1d4f911",
        "1d4f91",
        "#gggggg",
        "",
    ],
)
def test_the_preview_stylesheet_refuses_anything_but_six_hex_digits_without_echoing_it(
    app, admin_client, primary
):
    response = admin_client.get(
        PREVIEW_CSS,
        query_string={**GOOD, "focus": "#1a1a1a", "primary": primary},
    )
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "evil" not in response.text and "display" not in response.text
    assert "#rrggbb" in response.text


def test_the_preview_stylesheet_refuses_a_colour_with_a_newline(app, admin_client):
    response = admin_client.get(
        PREVIEW_CSS, query_string={**GOOD, "focus": "#1a1a1a", "primary": "#1d4f91\n}body{"}
    )
    assert response.status_code == 400 and "body{" not in response.text


def test_the_preview_stylesheet_refuses_a_missing_or_repeated_colour(app, admin_client):
    assert admin_client.get(PREVIEW_CSS, query_string=GOOD).status_code == 400
    repeated = (
        f"{PREVIEW_CSS}?primary=%23111111&primary=%23222222&primary_text=%23ffffff"
        "&accent=%23eeeeee&focus=%231a1a1a"
    )
    assert admin_client.get(repeated).status_code == 400


def test_the_preview_is_for_this_municipalitys_admin_only(app):
    query = {**GOOD, "focus": "#1a1a1a"}
    anonymous = app.test_client()
    assert anonymous.get(PREVIEW_CSS, query_string=query).status_code == 401
    parent = app.test_client()
    signed_in_as(parent, app, "aalst", "ouder", ["parent"])
    assert parent.get(PREVIEW_CSS, query_string=query).status_code == 403
    assert parent.post("/t/aalst/beheer/thema", data={**GOOD, "preview": "1"}).status_code == 403
    brugge_admin = app.test_client()
    signed_in_as(brugge_admin, app, "brugge", "beheerder", ["tenant_admin"])
    assert brugge_admin.get(PREVIEW_CSS, query_string=query).status_code in (401, 403)
    assert brugge_admin.post(
        "/t/aalst/beheer/thema", data={**GOOD, "preview": "1"}
    ).status_code in (401, 403)


def test_the_preview_stylesheet_answers_get_and_head_only(app, admin_client):
    assert admin_client.post(PREVIEW_CSS, data={**GOOD, "focus": "#1a1a1a"}).status_code == 405


# -- the tenant files -----------------------------------------------------------------------


def test_a_tenant_file_with_an_unreadable_theme_is_refused_naming_the_pair(sqlite_settings):
    from core.tenant_files import TenantFileError

    yellow = 'name = "Aalst"\n[theme]\nprimary = "#ffd700"\nprimary_text = "#ffffff"\n'
    with pytest.raises(TenantFileError, match=r"text_on_primary 1\.4:1 < 4\.5:1"):
        probe_app(sqlite_settings, tenants={"aalst": yellow})


def test_a_stored_theme_without_a_text_colour_gets_the_computed_one():
    from core.tenancy import Theme

    assert Theme.from_dict({"primary": "#ffd700"}).primary_text == DARK_TEXT
    assert Theme.from_dict({"primary": "#7a1f3d", "primary_text": ""}).primary_text == LIGHT_TEXT
