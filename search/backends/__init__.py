"""Search backends: Wagtail's own, with the project's Vietnamese additions."""
