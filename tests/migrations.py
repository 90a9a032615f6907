"""Moving the test database to a migration and back, for data-migration tests."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets=None):
    """Migrate to ``targets`` (every app's latest migration when None); return the historical apps there.

    A target ``(app, None)`` unapplies every migration of that app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    # Content types are cached per process by id: a migration may have renamed one (answers/0001).
    ContentType.objects.clear_cache()
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps
