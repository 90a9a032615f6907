"""The feedback register in the Wagtail admin (wagtail-modeladmin): views, forms, filters and helpers.

Registered from ``feedback/wagtail_hooks.py``. Who may do what is decided in
``feedback/permissions.py`` and ``feedback/workflow.py``; this package only
asks them.
"""
