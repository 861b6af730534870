"""The OpenAPI 3.1 description of /api/v1. The suite checks it against the running code
(every documented operation answered as documented) with schemathesis."""

ERROR = {"$ref": "#/components/schemas/Error"}
from app.course import qtypes

# What each question type adds to a quiz question, and how its answer is sent: from the type's package.
TYPE_PROPERTIES = {name: schema for qtype in qtypes.REGISTRY.values() for name, schema in qtype.api_schema.items()}
ANSWER_FORMS = "; ".join(f"{qtype.label.lower()}: {qtype.json_help}" for qtype in qtypes.REGISTRY.values())


def _response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    reasons = {400: "The request is malformed; the reason says how.", 401: "No valid personal access token, or it has expired.",
               403: "The token's scope does not allow this, or its user may not see this.", 404: "No such lesson or class.",
               429: "Too many requests with this token (without one, from this address); the reason and Retry-After "
                    "say when to try again."}
    return {str(code): _response(reasons[code], ERROR) for code in (*codes, 429)}  # every route is rate-limited


SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}, "description": "A lesson's slug."}
SECURE = [{"bearer": []}]

SCHEMAS = {
    "Error": {"type": "object", "required": ["error", "status", "reason"], "properties": {
        "error": {"type": "string"}, "status": {"type": "integer"}, "reason": {"type": "string"}}},
    "LessonSummary": {"type": "object", "required": ["slug", "title", "summary", "position", "reading_minutes", "question_count", "url"],
                      "properties": {"slug": {"type": "string"}, "title": {"type": "string"}, "summary": {"type": "string"},
                                     "position": {"type": "integer"}, "reading_minutes": {"type": "integer"},
                                     "question_count": {"type": "integer"}, "url": {"type": "string"}}},
    "Lesson": {"allOf": [{"$ref": "#/components/schemas/LessonSummary"}, {
        "type": "object", "required": ["objectives", "headings", "html"], "properties": {
            "objectives": {"type": "array", "items": {"type": "string"}},
            "headings": {"type": "array", "items": {"type": "object", "required": ["level", "anchor", "title"], "properties": {
                "level": {"type": "integer"}, "anchor": {"type": "string"}, "title": {"type": "string"}}}},
            "html": {"type": "string", "description": "Sanitised HTML of the lesson body."}}}]},
    "QuizQuestion": {"type": "object", "required": ["id", "type", "prompt_html"], "properties": {
        "id": {"type": "string"},
        "type": {"enum": list(qtypes.NAMES)},
        "prompt_html": {"type": "string"},
        "passage": {"type": "object", "required": ["lines", "caption", "quote_html"],
                    "description": "A quoted passage of the paper, shown above the prompt (source-criticism questions).",
                    "properties": {"lines": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2,
                                             "description": "The paper's first and last line of the quotation."},
                                   "caption": {"type": "string", "description": 'Where it comes from: "The paper, lines 712–714".'},
                                   "quote_html": {"type": "string", "description": "Sanitised HTML of the quotation."}}},
        **TYPE_PROPERTIES}},
    "Quiz": {"type": "object", "required": ["lesson", "quiz", "questions"], "properties": {
        "lesson": {"type": "string"},
        "quiz": {"type": "string", "description": "This quiz's id. Choice, item, left and right ids are opaque and "
                                                  "differ in every quiz handed out; send the id back with the answers."},
        "questions": {"type": "array", "items": {"$ref": "#/components/schemas/QuizQuestion"}}}},
    "AttemptRequest": {"type": "object", "required": ["quiz", "responses"], "properties": {
        "quiz": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$",
                 "description": "The id of the quiz whose ids the answers use (from getQuiz)."},
        "responses": {
            "type": "object", "minProperties": 1, "maxProperties": 200, "additionalProperties": True,
            "description": f"Question id → answer, in that quiz's ids ({ANSWER_FORMS}), or null for no answer."}}},
    "AttemptResult": {"type": "object", "required": ["id", "lesson", "score", "max_score", "submitted_at", "questions"], "properties": {
        "id": {"type": "string"}, "lesson": {"type": "string"}, "score": {"type": "number"}, "max_score": {"type": "number"},
        "submitted_at": {"type": ["string", "null"]},
        "questions": {"type": "array", "items": {"type": "object", "required": ["id", "score", "status", "explanation_html"], "properties": {
            "id": {"type": "string"}, "score": {"type": ["number", "null"]},
            "status": {"enum": ["correct", "partial", "wrong", "unanswered", "pending", None],
                       "description": "pending: an essay, waiting for a person's grade (it counts in no total until then)"}, "explanation_html": {"type": ["string", "null"]},
            "note": {"type": "string", "description": "How a typed answer was read: the unit assumed, a spelling "
                                                      "forgiven, why a number was not read. Empty when there is nothing to say."},
            "withheld": {"type": "string", "description": "Why score, status and explanation are null: an exam holds this "
                                                          "question back, and when it comes back."}}}}}},
    "Progress": {"type": "object", "required": ["course_mastery", "lessons"], "properties": {
        "course_mastery": {"type": "integer"},
        "lessons": {"type": "array", "items": {"type": "object", "required": ["slug", "mastery", "coverage", "accuracy", "attempts", "best", "latest", "read", "minutes"], "properties": {
            "slug": {"type": "string"}, "mastery": {"enum": ["not_started", "attempted", "familiar", "proficient", "mastered"]},
            "coverage": {"type": "number"}, "accuracy": {"type": "number"}, "attempts": {"type": "integer"},
            "best": {"type": ["number", "null"]}, "latest": {"type": ["number", "null"]}, "read": {"type": "boolean"},
            "minutes": {"type": "integer"}}}}}},
    "Reviews": {"type": "object", "required": ["due_now", "waiting", "cards"], "properties": {
        "due_now": {"type": "integer"}, "waiting": {"type": "integer"},
        "cards": {"type": "array", "items": {"type": "object", "required": ["question_id", "due", "review_url"], "properties": {
            "question_id": {"type": "string"}, "due": {"type": "string"}, "review_url": {"type": "string"}}}}}},
    "ClassResults": {"type": "object", "required": ["class", "assignments", "students"], "properties": {
        "class": {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
        "assignments": {"type": "array", "items": {"type": "object", "required": ["id", "title", "grading_method"], "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"}, "grading_method": {"type": "string"}}}},
        "students": {"type": "array", "items": {"type": "object", "required": ["username", "grades"], "properties": {
            "username": {"type": "string"},
            "grades": {"type": "object", "additionalProperties": {"type": ["number", "null"]}}}}}}},
}


def spec(server: str) -> dict:
    """The document, with ``server`` as the base URL of /api/v1."""
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    return {
        "openapi": "3.1.0",
        "info": {"title": "Backchannel API", "version": "1.0.0",
                 "description": "Lessons, quizzes without answers, attempts, progress, reviews and class results. "
                                "Errors are JSON: {error, status, reason}."},
        "servers": [{"url": server}],
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {
            "type": "http", "scheme": "bearer", "description": "A personal access token from the account page. It expires "
            "30, 90 or 365 days after it is made, and its scope is 'read', or 'read submit' (needed to submit attempts)."}}},
        "paths": {
            "/lessons": {"get": {"operationId": "listLessons", "summary": "Every lesson, in course order",
                                 "responses": {"200": _response("The lessons", {"type": "object", "required": ["lessons"], "properties": {
                                     "lessons": {"type": "array", "items": ref("LessonSummary")}}}), **_errors()}}},
            "/lessons/{slug}": {"get": {"operationId": "getLesson", "summary": "One lesson", "parameters": [SLUG],
                                        "responses": {"200": _response("The lesson", ref("Lesson")), **_errors(404)}}},
            "/lessons/{slug}/quiz": {"get": {"operationId": "getQuiz", "summary": "A lesson's questions without answers",
                                             "parameters": [SLUG],
                                             "responses": {"200": _response("The questions", ref("Quiz")), **_errors(404)}}},
            "/lessons/{slug}/attempts": {"post": {
                "operationId": "submitAttempt", "summary": "Answer questions of a lesson; scored and stored",
                "description": "Scored as a test, so it may not answer two questions of which one shows the other's "
                               "answer (the lesson's leak graph): such a pair is refused with 400, naming both.",
                "parameters": [SLUG], "security": SECURE,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("AttemptRequest")}}},
                "responses": {"201": _response("The scored attempt", ref("AttemptResult")), **_errors(400, 401, 403, 404)}}},
            "/me/progress": {"get": {"operationId": "myProgress", "summary": "My progress and mastery", "security": SECURE,
                                     "responses": {"200": _response("Progress per lesson", ref("Progress")), **_errors(401)}}},
            "/me/reviews": {"get": {"operationId": "myReviews", "summary": "My cards due now", "security": SECURE,
                                    "responses": {"200": _response("Due cards", ref("Reviews")), **_errors(401)}}},
            "/classes/{classroom_id}/results": {"get": {
                "operationId": "classResults", "summary": "A class's gradebook", "security": SECURE,
                "parameters": [{"name": "classroom_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}],
                "responses": {"200": _response("The gradebook", ref("ClassResults")), **_errors(401, 403, 404)}}},
        },
    }
