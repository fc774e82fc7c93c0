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
