"""Colour contrast as WCAG 2.2 measures it (1.4.3: 4.5:1 for text; 1.4.11: 3:1 for controls)."""

from __future__ import annotations

from dataclasses import dataclass

TEXT_CONTRAST = 4.5


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """``#rrggbb`` → its relative luminance, 0 (black) to 1 (white)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


# WCAG 1.4.11: focus rings, control borders and other non-text parts need 3:1.
CONTROL_CONTRAST = 3.0

# The two text colours the platform chooses between, and what core/static/css/opvangplein.css
# puts beside the theme's colours.
LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#1a1a1a"
PAGE_BACKGROUND = "#ffffff"
MENU_TEXT = DARK_TEXT


def text_colour_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background``."""
    return max((LIGHT_TEXT, DARK_TEXT), key=lambda colour: contrast_ratio(colour, background))


@dataclass(frozen=True)
class ColourPair:
    """One thing a theme shows on another: ``foreground`` on ``background``.

    ``field`` is the theme field to change when the pair fails.
    """

    name: str
    field: str
    foreground: str
    background: str
    needed: float

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.foreground, self.background)

    @property
    def passes(self) -> bool:
        return self.ratio >= self.needed


def theme_pairs(
    primary: str, primary_text: str = "", accent: str = "#e8f0fb", focus: str = ""
) -> list[ColourPair]:
    """Every pair a theme puts on screen, with the colours the platform derives.

    An empty ``primary_text`` is computed from the main colour; an empty ``focus`` is the dark
    ring of the page. The header's links and its focus ring take the header's text colour, so
    they read wherever that text reads.
    """
    text = primary_text or text_colour_on(primary)
    ring = focus or DARK_TEXT
    return [
        ColourPair("text_on_primary", "primary_text", text, primary, TEXT_CONTRAST),
        ColourPair("header_link", "primary_text", text, primary, TEXT_CONTRAST),
        ColourPair("link_on_page", "primary", primary, PAGE_BACKGROUND, TEXT_CONTRAST),
        ColourPair("menu_text_on_accent", "accent", MENU_TEXT, accent, TEXT_CONTRAST),
        ColourPair(
            "secondary_border_on_page", "primary", primary, PAGE_BACKGROUND, CONTROL_CONTRAST
        ),
        ColourPair("focus_on_page", "focus", ring, PAGE_BACKGROUND, CONTROL_CONTRAST),
        ColourPair("focus_on_accent", "focus", ring, accent, CONTROL_CONTRAST),
        ColourPair("focus_on_header", "primary_text", text, primary, CONTROL_CONTRAST),
    ]
