"""Project configuration: settings, URL routing, WSGI/ASGI entry points.

The design card calls this role ``site/``; Python's standard library owns the
module name ``site`` (it is imported at interpreter start-up), so the Python
package is ``config/`` and the top-level ``site/`` folder holds the site-wide
templates, static files and translations instead.
"""
