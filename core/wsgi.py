"""The production web entry point: ``gunicorn core.wsgi:application``.

The app refuses to start on a configuration that breaks the production rules (``core.deployment``).
"""

from core.deployment import deployable_app

application = deployable_app()
