"""Issue trackers: GitHub's and Jira's issues imported as tasks (no pygls, no SQLAlchemy).

``imported`` holds the issues and resolves references to them; ``http`` is the one HTTP client the
importers use (conditional requests, rate limits, clear errors); ``github`` and ``jira`` read
their trackers' REST APIs; ``analytics`` counts what the issues say about a project.
"""
