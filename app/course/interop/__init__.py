"""Question formats of other tools: GIFT, Moodle XML (pure), Anki decks."""
