"""The pages behind single-use e-mail links: proving one's own address, accepting an invitation.

Opening a link (GET, or HEAD) only shows what it will do, with a button: mail scanners and link
previews fetch links, and must not use them up. The button (POST) does it, once.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from flask_babel import gettext as _

from core.admin_words import role_label
from core.i18n import current_language
from core.identity import confirmations, invitations
from core.identity.forms import LinkActionForm
from core.identity.providers import tenant_providers
from core.mail import queue_mail
from core.ratelimit import rate_limited
from core.web import db_session, external_url, tenant_required

blueprint = Blueprint("email_links", __name__, template_folder="templates")
blueprint.before_request(tenant_required)

ADDRESS_PURPOSE = "address"
# Links are long random tokens; the limit makes guessing them pointless on top.
LINKS_PER_MINUTE = 30


# -- mails (also called by the members page and "Mijn gegevens") -------------------------------


def mail_address_confirmation(db, tenant, user) -> None:
    """Mail ``user`` a link that proves their current address once they open it signed in."""
    _row, token = confirmations.issue(
        db, email=user.email, purpose=ADDRESS_PURPOSE, requested_by=user.id
    )
    link = external_url(tenant, "email_links.confirm_address", token=token)
    queue_mail(
        db,
        to=user.email,
        subject=_("Confirm your e-mail address for %(name)s", name=tenant.name),
        body=_(
            "Someone signed in at %(name)s with this e-mail address and asked to confirm it.\n\n"
            "If that was you, open this link while signed in (it works once, for 48 hours):\n"
            "%(link)s\n\n"
            "If it was not you, ignore this message: nothing changes.",
            name=tenant.name,
            link=link,
        ),
        purpose="core.confirm_address",
        language=current_language(),
    )


def mail_invitation(db, tenant, email: str, token: str, roles: list[str]) -> None:
    link = external_url(tenant, "email_links.invitation", token=token)
    queue_mail(
        db,
        to=email,
        subject=_("Invitation to work in %(name)s on Opvangplein", name=tenant.name),
        body=_(
            "The administrator of %(name)s invites you with the roles: %(roles)s.\n\n"
            "Open this link and sign in to accept (it works once, for 48 hours):\n%(link)s\n\n"
            "If you did not expect this invitation, ignore this message.",
            name=tenant.name,
            roles=", ".join(role_label(role) for role in roles),
            link=link,
        ),
        purpose="core.invitation",
        language=current_language(),
    )


def _unusable():
    return (
        render_template(
            "identity/link_unusable.html",
            message=_("This link was already used, was withdrawn or has expired."),
        ),
        404,
    )


# -- proving one's own address ------------------------------------------------------------------


@blueprint.route("/e-mailadres/bevestigen/<token>", methods=["GET", "POST"])
@rate_limited("core.email_link", per_minute=LINKS_PER_MINUTE, methods=("GET", "POST"))
def confirm_address(token: str):
    if g.get("user") is None:
        abort(401)
    db = db_session()
    row = confirmations.find_live(db, token, ADDRESS_PURPOSE)
    # The link proves the address only for the account that asked, and only while the account
    # still has that address: otherwise a click by the mailbox's owner would vouch for a stranger.
    if (
        row is None
        or row.requested_by != g.user.id
        or confirmations.normalise(g.user.email) != row.email
    ):
        return _unusable()
    if not LinkActionForm().validate_on_submit():  # a GET or HEAD only shows the button
        return render_template("identity/confirm_address.html", email=row.email, done=False)
    if confirmations.redeem(db, token, ADDRESS_PURPOSE, used_by=g.user.id) is None:
        return _unusable()
    confirmations.mark_proven_by_link(g.user, row.email)
    db.add(g.user)
    db.commit()
    return render_template("identity/confirm_address.html", email=row.email, done=True)


# -- accepting an invitation ---------------------------------------------------------------------


@blueprint.route("/uitnodiging/<token>", methods=["GET", "POST"])
@rate_limited("core.email_link", per_minute=LINKS_PER_MINUTE, methods=("GET", "POST"))
def invitation(token: str):
    db = db_session()
    row = confirmations.find_live(db, token, invitations.PURPOSE)
    if row is None:
        return _unusable()
    roles = row.payload.get("roles", [])
    if g.get("user") is None:
        return render_template(
            "identity/invitation.html",
            roles=roles,
            providers=tenant_providers(g.tenant),
            next=invitations.INVITATION_PATH + token,
            accepted=False,
        )
    if not invitations.may_accept(g.user, row.email):
        # Said before the button already; audited only when someone actually tries.
        if LinkActionForm().validate_on_submit():
            invitations.refuse(db, row, g.user)
            db.commit()
        return _refused()
    if not LinkActionForm().validate_on_submit():  # a GET or HEAD only shows the button
        return render_template("identity/invitation.html", roles=roles, accepted=False)
    try:
        accepted = invitations.accept(db, token, g.user)
    except invitations.InvitationRefused:
        db.commit()  # keeps the audit entry
        return _refused()
    if accepted is None:
        return _unusable()
    db.commit()
    return render_template("identity/invitation.html", roles=roles, accepted=True)


def _refused():
    """The account signed in has another verified address: the invitation is not theirs."""
    return (
        render_template(
            "identity/invitation_refused.html",
            signed_in_address=confirmations.verified_email(g.user),
        ),
        403,
    )
