"""The design tokens in style.css: every colour pair the stylesheet uses reaches WCAG AA in the light and the dark theme."""

import re

import pytest

from app.config import PROJECT_ROOT

STYLESHEET = PROJECT_ROOT / "app" / "static" / "style.css"
TEXT, LARGE_OR_UI = 4.5, 3.0

# (foreground, background, minimum ratio, where the pair is used). Decorative lines (--border) are left out on
# purpose: they separate, they never carry meaning (WCAG 1.4.11 asks 3:1 only of what identifies a control).
PAIRS = [
    ("--text", "--bg", TEXT, "body text on the page"),
    ("--text", "--surface", TEXT, "text in cards, questions, inputs"),
    ("--text", "--surface-2", TEXT, "the header, footer, table of contents, passages"),
    ("--muted", "--bg", TEXT, "meta lines, hints, eyebrows"),
    ("--muted", "--surface", TEXT, "hints and stat labels inside cards"),
    ("--muted", "--surface-2", TEXT, "the footer's citation, captions in panels"),
    ("--accent", "--bg", TEXT, "links"),
    ("--accent", "--surface", TEXT, "links in cards, secondary and quiet buttons"),
    ("--accent", "--surface-2", TEXT, "links in the header and panels"),
    ("--accent", "--accent-bg", TEXT, "a hovered secondary button, a checked choice card's text links"),
    ("--accent-strong", "--bg", TEXT, "a hovered link"),
    ("--accent-strong", "--accent-bg", TEXT, "a hovered quiet or secondary button"),
    ("--accent-text", "--accent", TEXT, "primary buttons, the review badge"),
    ("--accent-text", "--accent-strong", TEXT, "a hovered primary button"),
    ("--text", "--accent-bg", TEXT, "a checked choice card, the open Menu button"),
    ("--field-border", "--bg", LARGE_OR_UI, "the edge of inputs, selects and choice cards on the page"),
    ("--field-border", "--surface", LARGE_OR_UI, "the edge of inputs inside cards and questions"),
    ("--field-border", "--surface-2", LARGE_OR_UI, "the search box in the header"),
    ("--focus", "--bg", LARGE_OR_UI, "the focus ring on the page"),
    ("--focus", "--surface", LARGE_OR_UI, "the focus ring in cards"),
    ("--focus", "--surface-2", LARGE_OR_UI, "the focus ring in the header"),
    ("--accent", "--track", LARGE_OR_UI, "a progress bar's fill against its track"),
    ("--success", "--bg", TEXT, "'Correct', the read mark"),
    ("--success", "--surface", TEXT, "'Correct' on a question card"),
    ("--warning", "--bg", TEXT, "'Partly right'"),
    ("--warning", "--surface", TEXT, "'Partly right' on a question card"),
    ("--danger", "--bg", TEXT, "'Wrong', field errors, the urgent timer"),
    ("--danger", "--surface", TEXT, "errors under fields in cards"),
    ("--danger-fill-text", "--danger", TEXT, "a danger button"),
    ("--danger-fill-text", "--danger-text", TEXT, "a hovered danger button"),
    ("--success-text", "--success-bg", TEXT, "a success alert"),
    ("--warning-text", "--warning-bg", TEXT, "a warning alert"),
    ("--danger-text", "--danger-bg", TEXT, "a danger alert"),
    ("--info-text", "--info-bg", TEXT, "an info alert"),
    ("--text", "--warning-bg", TEXT, "a notice (flash message), a highlighted paragraph, a flagged row"),
    ("--success", "--track", LARGE_OR_UI, "the mastered bar's fill"),
]
LEVELS = ["not_started", "attempted", "familiar", "proficient", "mastered", "needs_review"]
# A mastery badge's text (icon and name) on every surface it sits on; a level's bar fill against the track.
PAIRS += [(f"--level-{level}", background, TEXT, f"the {level} badge on {background}")
          for level in LEVELS for background in ("--bg", "--surface", "--surface-2")]
PAIRS += [(f"--level-{level}", "--track", LARGE_OR_UI, f"the {level} bar's fill") for level in LEVELS if level != "not_started"]


LIGHT_BLOCK = r"^:root\s*\{(.*?)^\}"
DARK_BLOCK = r"@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{(.*?)\}\s*\}"


def declared(block: str) -> dict[str, str]:
    """The custom properties declared in a block of CSS, comments dropped."""
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", re.sub(r"/\*.*?\*/", "", block, flags=re.S)))


def token_blocks(css: str) -> dict[str, dict[str, str]]:
    """The light tokens (the first :root block), the dark theme's own declarations, and the dark theme as applied."""
    light = declared(re.search(LIGHT_BLOCK, css, re.S | re.M).group(1))
    dark_own = declared(re.search(DARK_BLOCK, css, re.S).group(1))
    return {"light": light, "dark-own": dark_own, "dark": {**light, **dark_own}}


def resolve(tokens: dict[str, str], name: str) -> str:
    """A token's colour, following var() aliases."""
    value = tokens[name].strip()
    while (alias := re.fullmatch(r"var\((--[\w-]+)\)", value)):
        value = tokens[alias.group(1)].strip()
    return value


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb or #rgb colour."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.fixture(scope="module")
def themes():
    return token_blocks(STYLESHEET.read_text(encoding="utf-8"))


def test_the_formula_matches_known_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#0b5e8a", "#16181b") == pytest.approx(2.52, abs=0.01)  # the audit's dark Proficient label
    assert contrast("#9a6700", "#16181b") == pytest.approx(3.65, abs=0.01)  # and its dark Familiar


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_colour_pair_reaches_wcag_aa(themes, theme):
    tokens = themes[theme]
    failures = []
    for foreground, background, minimum, used_for in PAIRS:
        ratio = contrast(resolve(tokens, foreground), resolve(tokens, background))
        if ratio < minimum:
            failures.append(f"{foreground} on {background}: {ratio:.2f}:1 < {minimum}:1 ({used_for})")
    assert not failures, f"{theme} theme:\n" + "\n".join(failures)


def test_a_regressed_dark_level_colour_is_caught(themes):
    """The check would have caught the audit's finding: the light Proficient blue reused on the dark page."""
    regressed = {**themes["dark"], "--level-proficient": "#0b5e8a"}
    assert contrast(resolve(regressed, "--level-proficient"), resolve(regressed, "--bg")) < TEXT


def test_both_themes_define_every_colour_the_pairs_name(themes):
    """A colour missing from the dark block would show its light value on a dark page."""
    for name in {name for pair in PAIRS for name in pair[:2]}:
        assert name in themes["light"], f"{name} missing from the light tokens"
        assert name in themes["dark-own"], f"{name} has no dark value"
        assert re.fullmatch(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?", resolve(themes["dark"], name)), name


def test_the_stylesheet_uses_no_raw_colours_outside_the_tokens():
    """Pages take colours from the tokens, so the pairs checked above are the pairs on screen."""
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(encoding="utf-8"), flags=re.S)
    light_end = re.search(LIGHT_BLOCK, css, re.S | re.M).end()
    dark = re.search(DARK_BLOCK, css, re.S)
    rules = css[light_end:dark.start()] + css[dark.end():]
    rules = re.sub(r"@media print\s*\{.*?\n\}", "", rules, flags=re.S)  # print is black on white paper
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b", rules) == []


def test_the_stylesheet_stays_small():
    assert len(STYLESHEET.read_bytes()) < 40_000
