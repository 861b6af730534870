"""The search page: ``/search?q=…``, results grouped by kind, each linking to its paragraph, term, person or event.

A visitor's results are the same for everyone who asks the same question of the same course, so they are kept
rendered per worker like the lessons (``cached_for_visitors``): a repeated search runs no statement.
"""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from markupsafe import Markup

from app.course.paper import background_words
from app.course.search_text import KINDS, MAX_QUERY_CHARS, Hit, grouped, highlighted, query_terms
from app.http_cache import cached_for_visitors
from app.search import bp
from app.search.index import find

KIND_NAMES = {"lesson": _l("Lessons"), "glossary": _l("Glossary"), "person": _l("People"), "event": _l("Timeline")}
SUGGESTIONS = ("Kashmir", "Track two", "Wagah", "cricket", "SAARC", "Aman ki Asha")
# The first few of each kind on the results page; "All N" opens the rest of one kind.
PER_KIND = 6
_PAGES = {"glossary": "learning.glossary", "person": "learning.people", "event": "learning.timeline"}


def hit_url(hit: Hit) -> str:
    """Where a result leads: the lesson paragraph (or section), or the entry on the glossary, people or timeline page."""
    if hit.kind == "lesson":
        base = url_for("learning.lesson", slug=hit.slug)
    else:
        base = url_for(_PAGES[hit.kind])
    return f"{base}#{hit.anchor}" if hit.anchor else base


@bp.route("/search")
@cached_for_visitors
def search():
    """Search the course: lessons by heading and paragraph, the glossary, people and the timeline."""
    query = request.args.get("q", "")
    if len(query) > MAX_QUERY_CHARS:
        abort(400, description=_("That search is too long. Keep it under %(num)s characters: a few words work best.",
                                 num=MAX_QUERY_CHARS))
    only = request.args.get("kind", "")
    if only and only not in KINDS:
        abort(400, description=_("Results come as lessons, glossary, people or timeline: that kind is not one of them."))
    terms = query_terms(query)
    groups = grouped(find(terms)) if terms else {}
    counts = {kind: len(hits) for kind, hits in groups.items()}
    results = {kind: [(hit, hit_url(hit), Markup(background_words(highlighted(hit.snippet)))) for hit in (hits if only else hits[:PER_KIND])]
               for kind, hits in groups.items() if not only or kind == only}
    return render_template("search/results.html", query=query.strip(), searched=bool(query.strip()), results=results,
                           counts=counts, only=only, total=sum(counts.values()), kinds=KINDS, kind_names=KIND_NAMES,
                           suggestions=SUGGESTIONS)
