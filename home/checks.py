"""System checks for the runtime configuration."""

from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.core.checks import Error, register

# Wagtail's search backend -> the client library (and major version) it is written for.
BACKEND_CLIENTS = {
    "search.backends.elasticsearch7": ("elasticsearch", 7),
    "search.backends.elasticsearch8": ("elasticsearch", 8),
    "search.backends.elasticsearch9": ("elasticsearch", 9),
    "search.backends.opensearch2": ("opensearch-py", 2),
    "search.backends.opensearch3": ("opensearch-py", 3),
}


@register()
def check_search_client(app_configs, **kwargs):
    """The chosen search backend needs its own major version of the client library."""
    errors = []
    for name, config in getattr(settings, "WAGTAILSEARCH_BACKENDS", {}).items():
        expected = BACKEND_CLIENTS.get(config.get("BACKEND"))
        if expected is None:
            continue
        package, major = expected
        try:
            installed = version(package)
        except PackageNotFoundError:
            installed = None
        if installed is None or int(installed.split(".")[0]) != major:
            errors.append(
                Error(
                    f"Search backend '{name}' ({config['BACKEND']}) needs {package} {major}.x, "
                    f"but {installed or 'no version'} is installed.",
                    hint="requirements.txt pins elasticsearch 8 and opensearch-py 3: use SEARCH_BACKEND=elasticsearch8 "
                    "for Elasticsearch 8, or opensearch3 for OpenSearch 2.x and 3.x servers.",
                    id="portal.E001",
                )
            )
    return errors
