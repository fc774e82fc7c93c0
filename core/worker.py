"""The Celery entry point: ``celery -A core.worker worker`` and ``celery -A core.worker beat``.

Both read the same ``OPVANGPLEIN_*`` settings as the web processes and refuse to start on the
same production rules (``core.deployment``).
"""

from core.deployment import deployable_app

flask_app = deployable_app()
celery = flask_app.extensions["opvangplein.celery"]
