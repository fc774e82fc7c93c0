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


def pages_app() -> Flask:
    """The real application with the installed plugins only, as deployed."""
    from core import create_app

    return create_app()


PLAIN_ROWS = 50
PLAIN_TEMPLATE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1>
<table><thead><tr><th>Titel</th><th>Aangemaakt</th></tr></thead><tbody>
{% for row in rows %}<tr class="plain-row"><td>{{ row.title }}</td><td>{{ row.created_at }}</td></tr>
{% endfor %}</tbody></table></body></html>"""


def plain_app() -> Flask:
    """The baseline page: plain Flask + Jinja + SQLAlchemy, the newest 50 rows of a table.

    Reads ``BENCH_PLAIN_DATABASE_URL`` (a file :func:`bench.real_pages.build_plain_table`
    filled); no tenants, no sign-in, no shell: what a page costs with the same stack and none
    of the platform.
    """
    import os

    import sqlalchemy as sa
    from flask import render_template_string

    engine = sa.create_engine(os.environ["BENCH_PLAIN_DATABASE_URL"])
    metadata = sa.MetaData()
    table = sa.Table("plain_item", metadata, autoload_with=engine)
    query = sa.select(table).order_by(table.c.created_at.desc()).limit(PLAIN_ROWS)
    app = Flask(__name__)

    @app.get("/")
    def rows() -> str:
        with engine.connect() as connection:
            found = connection.execute(query).all()
        return render_template_string(PLAIN_TEMPLATE, title="Plain page", rows=found)

    return app
