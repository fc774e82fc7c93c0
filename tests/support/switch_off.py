"""Reading the warning the tenant admin's module page shows before a module is switched off."""

from __future__ import annotations

import html

from tests.support.auth import signed_in_as


def switch_off_warning(app, module: str, slug: str = "aalst") -> str:
    """Ask to switch ``module`` off at ``slug`` as its admin; return the warning's text.

    Asserts that asking changed nothing: the module page answers 200 with a confirm button.
    """
    admin = app.test_client()
    signed_in_as(admin, app, slug, "gemeentebeheerder", ["tenant_admin"])
    page = admin.post(f"/t/{slug}/beheer/modules/{module}", data={"enabled": "0"})
    assert page.status_code == 200, page.text
    assert 'name="confirm" value="1"' in page.text
    return html.unescape(page.text.split(f'id="plugin-{module}-warning"')[1].split("</div>")[0])
