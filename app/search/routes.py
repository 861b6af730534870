"""The search page: ``/search?q=…``, results grouped by kind, each linking to its paragraph, term, person or event."""

from flask import abort, render_template, request, url_for
from markupsafe import Markup

from app.course.search_text import KINDS, MAX_QUERY_CHARS, Hit, grouped, highlighted, query_terms
from app.search import bp
from app.search.index import find

KIND_NAMES = {"lesson": "Lessons", "glossary": "Glossary", "person": "People", "event": "Timeline"}
SUGGESTIONS = ("Kashmir", "Track two", "Wagah", "cricket", "SAARC", "Aman ki Asha")
_PAGES = {"glossary": "learning.glossary", "person": "learning.people", "event": "learning.timeline"}


def hit_url(hit: Hit) -> str:
    """Where a result leads: the lesson paragraph (or section), or the entry on the glossary, people or timeline page."""
    if hit.kind == "lesson":
        base = url_for("learning.lesson", slug=hit.slug)
    else:
        base = url_for(_PAGES[hit.kind])
    return f"{base}#{hit.anchor}" if hit.anchor else base


@bp.route("/search")
def search():
    """Search the course: lessons by heading and paragraph, the glossary, people and the timeline."""
    query = request.args.get("q", "")
    if len(query) > MAX_QUERY_CHARS:
        abort(400, description=f"That search is too long. Keep it under {MAX_QUERY_CHARS} characters: "
                               "a few words work best.")
    terms = query_terms(query)
    groups = grouped(find(terms)) if terms else {}
    results = {kind: [(hit, hit_url(hit), Markup(highlighted(hit.snippet))) for hit in hits] for kind, hits in groups.items()}
    return render_template("search/results.html", query=query.strip(), searched=bool(query.strip()), results=results,
                           total=sum(len(hits) for hits in results.values()), kinds=KINDS, kind_names=KIND_NAMES,
                           suggestions=SUGGESTIONS)
