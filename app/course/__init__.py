"""Pure modules for the course: reading lessons and building course-wide indexes (no Flask)."""
