"""The syntax of the question formats we read and write (GIFT, Moodle XML, QTI 3.0), knowing no question type.

Each type's ``gift.py``, ``moodle.py`` and ``qti.py`` write and read its part with these; the format
modules in :mod:`app.course.interop` hold the documents and ask the registry of types.
"""
