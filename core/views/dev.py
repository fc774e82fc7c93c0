"""Development-only pages on the platform host: the mail the platform "sent" under `make run`."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template

from core.dev_mail import read_caught_mail

blueprint = Blueprint("dev", __name__, url_prefix="/dev")


@blueprint.before_request
def _development_platform_host_only():
    if current_app.extensions["opvangplein.settings"].is_production or g.tenant is not None:
        abort(404)


@blueprint.get("/post")
def caught_mail():
    directory = current_app.extensions["opvangplein.settings"].dev_mail_dir
    return render_template("dev/mail.html", messages=read_caught_mail(directory)[:200])
