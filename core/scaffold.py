"""``flask --app core plugins …``: start a new plugin, and render the hook reference.

``flask --app core plugins new NAME`` writes a plugin folder that works as it stands and passes
its own tests: a manifest declaring every part, a tenant-owned model, its migration on
:mod:`core.migration_kit`, a form on :mod:`core.forms`, a views package, a template on the
``forms.html`` macros, a Dutch catalog and a test file on :mod:`core.testing`. The tutorial in
``docs/plugins.md`` walks through the same files.
"""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template

import click
from flask import current_app
from flask.cli import AppGroup

plugins_cli = AppGroup("plugins", help="Writing plugins: scaffold one, document the hooks.")

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,23}$")
# Names a plugin cannot take: the core's own blueprints and packages, and the platform's words.
RESERVED_NAMES = frozenset(
    {"core", "plugins", "tests", "static", "platform", "dev", "admin", "tenant", "tenant_admin"}
    | {"identity", "privacy", "regional", "beheer", "api", "auth"}
)


class ScaffoldError(ValueError):
    """The name or the folder does not allow a new plugin."""


@dataclass(frozen=True)
class PluginNames:
    """The spellings of one plugin name the files use."""

    name: str  # notices: entry point, manifest, blueprint, table prefix, permission prefix
    package: str  # plugins.notices, or notices outside any package on sys.path

    @property
    def url(self) -> str:
        return "/" + self.name.replace("_", "-")

    @property
    def model(self) -> str:
        return "".join(part.title() for part in self.name.split("_")) + "Entry"

    @property
    def title(self) -> str:
        return self.name.replace("_", " ").capitalize()

    def substitutions(self) -> dict[str, str]:
        values = {
            "name": self.name,
            "package": self.package,
            "url": self.url,
            "model": self.model,
            "title": self.title,
        }
        # The core's and the plugin's imports form one block, sorted by module as ruff does:
        # where the plugin's lines go depends on its name.
        for key, lines in FIRST_PARTY_IMPORTS.items():
            filled = [Template(line).substitute(values) for line in lines]
            values[key] = "\n".join(sorted(filled, key=lambda line: line.split()[1]))
        return values


def check_name(name: str, taken: set[str]) -> None:
    """A plugin name is a lowercase Python identifier that no installed plugin or the core uses."""
    if not NAME_PATTERN.match(name) or name.endswith("_") or "__" in name:
        raise ScaffoldError(
            f"{name!r} is not a plugin name: use 2-24 lowercase letters, digits and single"
            " underscores, starting with a letter (e.g. notices, question_week)"
        )
    if keyword.iskeyword(name) or name in RESERVED_NAMES:
        raise ScaffoldError(f"{name!r} is reserved; choose another name")
    if name in taken:
        raise ScaffoldError(f"a plugin named {name!r} is already installed")


def package_for(directory: Path, name: str, search_path: list[str] | None = None) -> str:
    """The dotted import path of ``directory/name``: relative to the most specific ``sys.path``
    entry that holds ``directory`` (``plugins/notices`` in the project → ``plugins.notices``),
    else ``name`` itself (put ``directory`` on the path, or package it, to import it)."""
    directory = directory.resolve()
    best: tuple[str, ...] | None = None
    for entry in search_path if search_path is not None else sys.path:
        try:
            relative = directory.relative_to(Path(entry or ".").resolve()).parts
        except ValueError:
            continue
        if all(part.isidentifier() for part in relative) and (
            best is None or len(relative) < len(best)
        ):
            best = relative
    return ".".join([*(best or ()), name])


def scaffold(directory: Path, names: PluginNames) -> list[Path]:
    """Write the plugin folder ``directory/<name>``; returns the files written. Never overwrites:
    an existing folder is an error."""
    root = directory / names.name
    if root.exists():
        raise ScaffoldError(f"{root} already exists; nothing was written")
    values = names.substitutions()
    written = []
    for relative, template in FILES.items():
        path = root / Template(relative).substitute(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(template).substitute(values), encoding="utf-8")
        written.append(path)
    written.append(compile_catalog(root / "translations"))
    return written


def compile_catalog(translations: Path) -> Path:
    """Compile the Dutch catalog (``make translations`` does it for the project's plugins)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = translations / "nl" / "LC_MESSAGES" / "messages.po"
    with source.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    target = source.with_suffix(".mo")
    with target.open("wb") as handle:
        write_mo(handle, catalog)
    return target


@plugins_cli.command("new")
@click.argument("name")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("plugins"),
    show_default=True,
    help="Where to create the plugin's folder.",
)
def plugins_new(name: str, directory: Path) -> None:
    """Create the folder of a new plugin NAME that passes its own tests."""
    registry = current_app.extensions["opvangplein.plugins"]
    taken = set(registry.names) | set(current_app.blueprints)
    try:
        check_name(name, taken)
        names = PluginNames(name=name, package=package_for(directory, name))
        written = scaffold(directory, names)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from error
    root = directory / name
    for path in written:
        click.echo(f"created {path}")
    click.echo(
        f"\nNext steps:\n"
        f"  1. Register the entry point (pyproject.toml of the project or of your distribution):\n"
        f'       [project.entry-points."opvangplein.plugins"]\n'
        f'       {name} = "{names.package}.plugin"\n'
        f"     and reinstall it (pip install -e .), then `flask --app core db upgrade`.\n"
        f'  2. Enable it for a tenant: add "{name}" to plugins in tenants/<slug>.toml\n'
        f"     (`flask --app core tenants sync --overwrite`) or on the tenant's /beheer/ page.\n"
        f"  3. Run its tests: pytest {root / 'tests'}\n"
        f"  docs/plugins.md explains every file."
    )


@plugins_cli.command("hooks-doc")
@click.option("--check", is_flag=True, help="Exit 1 when docs/plugins.md is out of date.")
@click.option("--write", is_flag=True, help="Update the hook reference in docs/plugins.md.")
def plugins_hooks_doc(check: bool, write: bool) -> None:
    """Print the hook reference rendered from core/hookspecs.py (see core.docs_hooks)."""
    from core.docs_hooks import main

    status = main(["--check"] if check else ["--write"] if write else [])
    if status:
        raise SystemExit(status)


# ---------------------------------------------------------------------------------------------
# The files of a new plugin. ``$name``, ``$package``, ``$url``, ``$model`` and ``$title`` are
# replaced (string.Template); ``$$`` is a dollar sign.
# ---------------------------------------------------------------------------------------------

_INIT = '''"""The $name plugin. See README.md, and docs/plugins.md of the platform for every part."""
'''

_PLUGIN = '''"""Hook implementations of the $name plugin; its parts are declared in the manifest."""

from __future__ import annotations

from core.hookspecs import hookimpl
from core.plugin_types import MenuItem, Permission, PluginManifest, SettingField

MANIFEST = PluginManifest(
    name="$name",
    title_nl="$title",
    title_en="$title",
    description_nl="Berichten van de gemeente.",
    description_en="The municipality's entries.",
    blueprints=("$package.views:blueprint",),
    migrations="migrations",
    translations="translations",
    templates="templates",
    permissions=(
        Permission(
            "$name.manage",
            "Berichten toevoegen",
            "Add entries",
            roles=("staff",),
        ),
    ),
    settings=(
        SettingField(
            "shown",
            "Aantal berichten op de pagina",
            "Entries shown on the page",
            kind="int",
            default=20,
            minimum=1,
            maximum=100,
        ),
    ),
)


@hookimpl
def plugin_manifest():
    return MANIFEST


@hookimpl
def menu_items(tenant, user):
    from core.i18n import current_language

    return [
        MenuItem(
            label=MANIFEST.title(current_language()),
            endpoint="$name.index",
            order=90,
        ),
    ]


@hookimpl
def demo_data(tenant, session):
    from $package import services

    services.add_demo_entries(session, tenant_name=tenant.name)
'''

_MODELS = '''"""The $name plugin's tables. Every tenant-owned model inherits TenantScoped."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from core.db import TenantScoped, new_id, utcnow


class $model(TenantScoped, table=True):
    """One entry on the page, in one municipality."""

    __tablename__ = "${name}_entry"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    title: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
'''

_SERVICES = '''"""What the $name plugin does, in plain Python on a tenant session (no Flask needed)."""

from __future__ import annotations

from sqlmodel import select

from $package.models import $model


def add_entry(session, *, title: str) -> $model:
    entry = $model(title=title)
    session.add(entry)
    session.flush()
    return entry


def latest_entries(session, *, limit: int) -> list[$model]:
    newest_first = $model.created_at.desc()
    statement = select($model).order_by(newest_first).limit(limit)
    return list(session.exec(statement).all())


def add_demo_entries(session, *, tenant_name: str) -> None:
    """Idempotent, and different per tenant (the route probe looks for one tenant's text at
    another)."""
    title = f"Welcome to $title in {tenant_name}"
    same_title = $model.title == title
    if session.exec(select($model).where(same_title)).first() is None:
        add_entry(session, title=title)
'''

_FORMS = '''"""The $name plugin's forms, on the core's shared field types."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.forms import PlatformForm, TextField


class EntryForm(PlatformForm):
    title = TextField(_l("Title of the entry"), required=True, max_length=120)
'''

_VIEWS_INIT = '''"""The $name plugin's pages: the blueprint, then each resource module so its routes register."""

from $package.views import entries  # noqa: F401
from $package.views.common import blueprint

__all__ = ["blueprint"]
'''

_VIEWS_COMMON = '''"""The $name blueprint, and what its views share."""

from __future__ import annotations

from flask import Blueprint

from core.web import tenant_required

URL_PREFIX = "$url"
blueprint = Blueprint("$name", __name__, url_prefix=URL_PREFIX)
blueprint.before_request(tenant_required)
'''

_VIEWS_ENTRIES = '''"""The entries page: the list for everyone, the form for those who may add."""

from __future__ import annotations

from flask import redirect, url_for

$entries_imports


def _page(form: EntryForm, status: int = 200):
    session = db_session()
    shown = plugin_settings(session, MANIFEST)["shown"]
    return render(
        "$name/index.html",
        title=MANIFEST.title(current_language()),
        entries=services.latest_entries(session, limit=shown),
        form=form if can("$name.manage") else None,
    ), status


@blueprint.get("/")
def index():
    return _page(EntryForm())


@blueprint.post("/")
@require_permission("$name.manage")
def add_entry():
    form = EntryForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    session = db_session()
    entry = services.add_entry(session, title=form.title.data)
    announce(session, "$name.entry_added", entry_id=str(entry.id))
    session.commit()
    return redirect(url_for("$name.index"), 303)
'''

_TEMPLATE = """{% extends "base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}
{% import "forms.html" as forms %}
<h1 class="utrecht-heading-1">{{ title }}</h1>
{% if entries %}
<ul class="utrecht-unordered-list" id="${name}-entries">
  {% for entry in entries %}<li>{{ entry.title }}</li>{% endfor %}
</ul>
{% else %}
<p class="utrecht-paragraph">{{ _("Nothing has been added here yet.") }}</p>
{% endif %}
{% if form %}
<h2 class="utrecht-heading-2">{{ _("Add an entry") }}</h2>
{{ forms.error_summary(form) }}
<form method="post" action="{{ url_for('${name}.add_entry') }}" class="utrecht-form" novalidate>
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  {{ forms.field(form.title) }}
  <button class="utrecht-button utrecht-button--primary-action" type="submit">{{ _("Add the entry") }}</button>
</form>
{% endif %}
{% endblock %}
"""

_MIGRATION = '''"""The $name plugin's tables.

Revision ID: ${name}_0001
Revises:
"""

import sqlalchemy as sa

from core.migration_kit import create_tenant_table, drop_tenant_table, timestamp

revision = "${name}_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_tenant_table(
        "${name}_entry",
        sa.Column("title", sa.String(120), nullable=False),
        timestamp("created_at"),
    )


def downgrade() -> None:
    drop_tenant_table("${name}_entry")
'''

_CATALOG = """# Dutch (nl-BE) translations of the $name plugin. `make extract` refreshes it.
msgid ""
msgstr ""
"Project-Id-Version: $name\\n"
"Language: nl\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Add an entry"
msgstr "Een bericht toevoegen"

msgid "Add the entry"
msgstr "Bericht toevoegen"

msgid "Nothing has been added here yet."
msgstr "Hier is nog niets toegevoegd."

msgid "Title of the entry"
msgstr "Titel van het bericht"
"""

_TEST = '''"""The $name plugin on a migrated platform: its page, form, permission and tenants."""

from __future__ import annotations

import pytest
from sqlmodel import select

$test_imports

PAGE = "$url/"


@pytest.fixture
def app(tmp_path):
    registry = plugin_registry("$name", plugin)
    tenants = {"gent": ["$name"], "ieper": []}
    return migrated_app(tmp_path, registry, tenants=tenants)


def entries(app, slug: str) -> list[str]:
    with app.extensions["opvangplein.db"].session(tenant_id(app, slug)) as session:
        rows = session.exec(select($model)).all()
    return [row.title for row in rows]


def test_the_page_answers_only_where_the_plugin_is_enabled(app):
    client = app.test_client()
    page = client.get(f"/t/gent{PAGE}")
    assert page.status_code == 200
    assert "Hier is nog niets toegevoegd." in page.text
    assert client.get(f"/t/ieper{PAGE}").status_code == 404


def test_staff_add_an_entry_through_the_form(app):
    client = app.test_client()
    sign_in(client, app, "gent", roles=["staff:$name"])
    assert "Titel van het bericht" in client.get(f"/t/gent{PAGE}").text

    response = client.post(f"/t/gent{PAGE}", data={"title": "  Open day  "})

    assert response.status_code == 303
    assert "Open day" in client.get(f"/t/gent{PAGE}").text
    assert entries(app, "gent") == ["Open day"]


def test_an_empty_or_control_character_title_is_refused_in_dutch_and_nothing_is_saved(app):
    client = app.test_client()
    sign_in(client, app, "gent", roles=["staff:$name"])
    empty = client.post(f"/t/gent{PAGE}", data={"title": ""})
    assert empty.status_code == 422
    assert "Vul dit veld in." in empty.text
    assert client.post(f"/t/gent{PAGE}", data={"title": "a\\x00b"}).status_code == 422
    assert entries(app, "gent") == []


def test_only_those_holding_the_permission_add_entries(app):
    client = app.test_client()
    assert client.post(f"/t/gent{PAGE}", data={"title": "Anonymous"}).status_code == 401
    sign_in(client, app, "gent", roles=["parent"], subject="parent")
    assert "Titel van het bericht" not in client.get(f"/t/gent{PAGE}").text
    assert client.post(f"/t/gent{PAGE}", data={"title": "A parent"}).status_code == 403
    assert entries(app, "gent") == []
'''

_README = """# $title

A plugin of Opvangplein, started with `flask --app core plugins new $name`. Staff of the module
(`$name.manage`) add entries; everyone at the municipality reads the page at `$url/`.

Describe here who sees what, where the data lives and what the plugin tells the other modules.
"""

FIRST_PARTY_IMPORTS = {
    "entries_imports": (
        "from core.events import announce",
        "from core.i18n import current_language",
        "from core.identity.access import can, require_permission",
        "from core.rendering import render",
        "from core.tenancy import plugin_settings",
        "from core.web import db_session",
        "from $package import services",
        "from $package.forms import EntryForm",
        "from $package.plugin import MANIFEST",
        "from $package.views.common import blueprint",
    ),
    "test_imports": (
        "from core.testing import migrated_app, plugin_registry, sign_in, tenant_id",
        "from $package import plugin",
        "from $package.models import $model",
    ),
}

FILES: dict[str, str] = {
    "__init__.py": _INIT,
    "plugin.py": _PLUGIN,
    "models.py": _MODELS,
    "services.py": _SERVICES,
    "forms.py": _FORMS,
    "views/__init__.py": _VIEWS_INIT,
    "views/common.py": _VIEWS_COMMON,
    "views/entries.py": _VIEWS_ENTRIES,
    "templates/$name/index.html": _TEMPLATE,
    "migrations/0001_${name}_tables.py": _MIGRATION,
    "translations/nl/LC_MESSAGES/messages.po": _CATALOG,
    "tests/__init__.py": "",
    "tests/test_$name.py": _TEST,
    "README.md": _README,
}
