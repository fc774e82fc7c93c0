"""docs/plugins.md's hook reference is generated from core/hookspecs.py and kept up to date."""

from __future__ import annotations

import inspect

from core import docs_hooks, hookspecs


def test_the_hook_reference_in_docs_plugins_md_matches_core_hookspecs():
    document = docs_hooks.DOCUMENT.read_text(encoding="utf-8")
    assert docs_hooks.generated_section(document) == docs_hooks.render(), (
        "docs/plugins.md's hook reference is out of date with core/hookspecs.py:"
        " run `python -m core.docs_hooks --write`"
    )


def test_the_reference_shows_every_hook_with_its_signature_options_and_docstring():
    rendered = docs_hooks.render()
    specs = docs_hooks.hook_specs()
    assert {name for name, _ in specs} >= {"plugin_manifest", "menu_items", "on_event"}
    for name, function in specs:
        assert f"#### `{name}{inspect.signature(function)}`" in rendered
        first_line = inspect.getdoc(function).splitlines()[0]
        assert docs_hooks.markdown_text(first_line) in rendered
    assert "#### `loket_participation(tenant, session, location_id)` — *firstresult*" in rendered
    assert "### Events: a plugin announces a domain event, others react" in rendered
    # reST roles and double backticks became Markdown code; only code fences keep backticks.
    assert ":class:" not in rendered and ":func:" not in rendered
    assert "``" not in rendered.replace("```", "")


def test_the_check_fails_on_a_stale_document_and_write_repairs_it(tmp_path, capsys):
    stale = tmp_path / "plugins.md"
    stale.write_text(
        f"# Plugins\n\n{docs_hooks.START}\nold text\n{docs_hooks.END}\n\nAfter.\n", encoding="utf-8"
    )
    assert docs_hooks.main(["--check", "--document", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().out

    assert docs_hooks.main(["--write", "--document", str(stale)]) == 0
    text = stale.read_text(encoding="utf-8")
    assert text.startswith("# Plugins\n\n") and text.endswith("\nAfter.\n")
    assert docs_hooks.main(["--check", "--document", str(stale)]) == 0
    assert hookspecs.on_event.__doc__.split()[0] in text
