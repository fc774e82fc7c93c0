"""App factories for gunicorn: ``gunicorn 'bench.apps:tenant_app()'`` and ``'bench.apps:hello_app()'``.

``tenant_app`` reads the ``OPVANGPLEIN_*`` variables of :meth:`bench.data.Dataset.environ`, so
the server process finds the data set built by the benchmark process.
"""

from __future__ import annotations

from flask import Flask

from core.plugins import PluginRegistry, build_registry


def bench_registry() -> PluginRegistry:
    """The installed plugins plus the bench plugin, as a deployment with one more plugin."""
    from bench import plugin

    return build_registry([(plugin.NAME, plugin)])


def tenant_app() -> Flask:
    """The real application with the bench plugin, configured from the environment."""
    from core import create_app

    return create_app(registry=bench_registry())


def hello_app() -> Flask:
    """The baseline: a bare Flask app that answers a fixed string."""
    app = Flask(__name__)

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    return app
