"""The Celery entry point: ``celery -A core.worker worker`` and ``celery -A core.worker beat``.

Both read the same ``OPVANGPLEIN_*`` settings as the web processes.
"""

from core.app import create_app

flask_app = create_app()
celery = flask_app.extensions["opvangplein.celery"]
