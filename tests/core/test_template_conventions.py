"""Conventions every template keeps, checked over the core's and every plugin's templates."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INPUT_CLASSES = re.compile(r'<input[^>]*class="([^"]*)"')


def _templates() -> list[Path]:
    return sorted(
        [*ROOT.glob("core/**/templates/**/*.html"), *ROOT.glob("plugins/*/templates/**/*.html")]
    )


def test_native_radio_buttons_and_checkboxes_use_the_utrecht_html_input_variant():
    # Utrecht's radio button hides the native look (appearance: none); only the html-input
    # variant draws the checked state, so without it a chosen option looks unchosen.
    missing = []
    for path in _templates():
        for classes in INPUT_CLASSES.findall(path.read_text(encoding="utf-8")):
            names = classes.split()
            for component in ("utrecht-radio-button", "utrecht-checkbox"):
                if component in names and f"{component}--html-input" not in names:
                    missing.append(f"{path.relative_to(ROOT)}: {classes}")
    assert _templates(), "no templates found"
    assert missing == []


HARD_CODED_COLOUR = re.compile(r'(?:fill|stroke)\s*[=:]\s*"?\s*#[0-9a-fA-F]{3,6}')


def test_charts_take_the_municipalitys_colours_not_a_fixed_blue():
    # Issue 19: every tenant's charts were the same blue; bars now fill with the theme's
    # variables (core/views/platform.py theme_css), so a chart matches its municipality.
    stylesheets = [
        *ROOT.glob("plugins/*/static/**/*.css"),
        ROOT / "core/static/css/opvangplein.css",
    ]
    fixed = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in [*_templates(), *stylesheets]
        for match in HARD_CODED_COLOUR.finditer(path.read_text(encoding="utf-8"))
    ]
    assert fixed == []


# A button that destroys, withdraws, cancels, switches off or starts an allocation round.
DESTRUCTIVE_LABEL = re.compile(
    r'_\("(?:Yes, )?(?:withdraw|delete|remove|erase|switch [^"]* off|disable|cancel|'
    r"run a round|start the round|decline or withdraw)",
    re.IGNORECASE,
)
BUTTON = re.compile(
    r'<(button|summary)\b[^>]*class="([^"]*utrecht-button\b[^"]*)"[^>]*>(.*?)</\1>', re.S
)


def destructive_buttons_without_the_warning_style(source: str) -> list[str]:
    wrong = []
    for match in BUTTON.finditer(source):
        classes, inner = match.group(2), match.group(3)
        if not DESTRUCTIVE_LABEL.search(inner):
            continue
        if "utrecht-button--warning" not in classes or "primary-action" in classes:
            wrong.append(f"{classes}: {inner.strip()[:70]}")
    return wrong


def test_the_destructive_button_finder_knows_a_harmless_button_from_a_dangerous_one():
    dangerous = '<button class="utrecht-button utrecht-button--primary-action">{{ _("Run a round") }}</button>'
    warned = (
        '<button class="utrecht-button utrecht-button--secondary-action utrecht-button--warning">'
        '{{ _("Yes, withdraw the request") }}</button>'
    )
    harmless = '<button class="utrecht-button utrecht-button--primary-action">{{ _("Send request") }}</button>'
    assert destructive_buttons_without_the_warning_style(dangerous) != []
    assert destructive_buttons_without_the_warning_style(warned) == []
    assert destructive_buttons_without_the_warning_style(harmless) == []


def test_no_destructive_action_wears_the_primary_or_a_harmless_button_style():
    # Issue 19: withdrawing, deleting, switching off and starting a round looked like harmless
    # buttons (or were the most prominent one on the page).
    wrong = [
        f"{path.relative_to(ROOT)}: {found}"
        for path in _templates()
        for found in destructive_buttons_without_the_warning_style(path.read_text(encoding="utf-8"))
    ]
    assert wrong == []


# Destructive buttons that only open a confirmation page the server renders first (the second
# step is tested with its route), by template and label; and the confirmation pages themselves.
LEADS_TO_A_CONFIRMATION_PAGE = {
    # tests/plugins/loket/test_round_confirmation.py
    ("plugins/loket/templates/loket/rounds.html", "Run a round"),
    # tests/plugins/ckg/ (consent): the withdrawal is confirmed on ckg/consent_confirm.html
    *(
        ("plugins/ckg/templates/ckg/_family_consent.html", f"Withdraw my consent{what}")
        for what in ("", " to a case consultation", " to advice to the loket")
    ),
    # tests/core/test_tenant_admin_modules.py: switching a module off shows what it costs first
    ("core/templates/admin/index.html", "Disable %(module)s"),
}
CONFIRMATION_PAGE = re.compile(r"_confirm\.html$")
DETAILS_TAG = re.compile(r"<details\b[^>]*>|</details>")
CONFIRM_STEP = re.compile(r'class="(?:confirm-step|withdraw-confirm)"')
SUBMIT_BUTTON = re.compile(r'<button\b[^>]*type="submit"[^>]*>(.*?)</button>', re.S)
ASKS_TO_CONFIRM = re.compile(r'name="confirm(?:_email)?"|\.confirm_email\b')


def _inside_a_confirm_step(before: str) -> bool:
    open_details: list[bool] = []
    for tag in DETAILS_TAG.finditer(before):
        if tag.group(0) == "</details>":
            if open_details:
                open_details.pop()
        else:
            open_details.append(bool(CONFIRM_STEP.search(tag.group(0))))
    return any(open_details)


def unconfirmed_destructive_buttons(source: str) -> list[str]:
    """Labels of destructive submit buttons outside a confirmation step: not inside
    ``<details class="confirm-step">`` and not in a form that asks for ``confirm``."""
    found = []
    for match in SUBMIT_BUTTON.finditer(source):
        label = DESTRUCTIVE_LABEL.search(match.group(1))
        if not label:
            continue
        before = source[: match.start()]
        form_start = before.rfind("<form")
        in_form = source[form_start : match.start()] if form_start >= 0 else ""
        if not (_inside_a_confirm_step(before) or ASKS_TO_CONFIRM.search(in_form)):
            found.append(re.search(r'_\("([^"]*)"', match.group(1)).group(1))
    return found


def test_the_confirmation_finder_sees_a_button_without_a_second_step():
    bare = '<form><button type="submit">{{ _("Cancel the meeting") }}</button></form>'
    stepped = '<details class="confirm-step"><summary>x</summary>' + bare + "</details>"
    after_other = "<details><summary>Meer</summary></details>" + bare
    asked = '<form><input name="confirm"><button type="submit">{{ _("Erase") }}</button></form>'
    assert unconfirmed_destructive_buttons(bare) == ["Cancel the meeting"]
    assert unconfirmed_destructive_buttons(after_other) == ["Cancel the meeting"]
    assert unconfirmed_destructive_buttons(stepped) == []
    assert unconfirmed_destructive_buttons(asked) == []


def test_every_destructive_action_asks_for_confirmation_first():
    unconfirmed = [
        f"{path.relative_to(ROOT)}: {label}"
        for path in _templates()
        if not CONFIRMATION_PAGE.search(path.name)
        for label in unconfirmed_destructive_buttons(path.read_text(encoding="utf-8"))
        if (str(path.relative_to(ROOT)), label) not in LEADS_TO_A_CONFIRMATION_PAGE
    ]
    assert unconfirmed == []


def _stylesheets_text() -> str:
    paths = [
        *ROOT.glob("core/static/css/*.css"),
        *ROOT.glob("plugins/*/static/**/*.css"),
        *ROOT.glob("core/static/vendor/utrecht/component-library-*.css"),
    ]
    return "".join(path.read_text(encoding="utf-8") for path in paths)


def test_no_description_list_is_left_unstyled():
    # Issue 19: key figures were a bare <dl>. Every description list is a Utrecht data list or
    # has a class a stylesheet styles; a decision letter (PDF) styles its own in the template.
    css = _stylesheets_text()
    bare = []
    for path in _templates():
        if "letters" in path.parts:
            continue
        for match in re.finditer(r"<dl\b([^>]*)>", path.read_text(encoding="utf-8")):
            found = re.search(r'class="([^"]*)"', match.group(1))
            names = found.group(1).split() if found else []
            if not any(re.search(rf"\.{re.escape(name)}\b", css) for name in names):
                bare.append(f"{path.relative_to(ROOT)}: <dl{match.group(1)}>")
    assert bare == []
