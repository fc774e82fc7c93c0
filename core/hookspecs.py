"""Every hook a plugin can implement — this module is the plugin author's manual.

A plugin is a Python module (by convention ``plugins/<name>/plugin.py``) registered under the
``opvangplein.plugins`` entry-point group. It implements hooks with ``@hookimpl``::

    from core.hookspecs import hookimpl
    from core.plugin_types import PluginManifest

    @hookimpl
    def plugin_manifest():
        return PluginManifest(name="loket", title_nl="Lokaal Loket", title_en="Local counter")

Rules that hold for every hook:

* The core calls hooks with keyword arguments only. An implementation may accept fewer
  arguments than the spec names, so a hook can gain a parameter later without breaking plugins.
* A plugin's parts — blueprints, migrations, translations, templates, static files, CLI
  commands, settings, permissions, append-only tables — are declared once in its manifest
  (:class:`~core.plugin_types.PluginManifest`) and registered by the core; ``plugin.py`` keeps
  only hooks with behaviour.
* Hooks that receive a ``tenant`` run only for plugins enabled for that tenant.
* Every hook that reads or writes tenant data receives ``session``: a session scoped to that
  tenant (the request's inside a request, a command's own outside one). Use it; never open
  another.
* The core never imports a plugin. Plugins talk to the core and to each other only through these
  hooks and through events (:func:`core.events.announce`).
* A misspelled ``@hookimpl`` fails start-up (``check_pending``), it is never silently ignored.

Types used in signatures live in :mod:`core.plugin_types`.
"""

from __future__ import annotations

import pluggy

PROJECT_NAME = "opvangplein"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# ---------------------------------------------------------------------------------------------
# Set-up: describe the plugin. Called for every installed plugin, enabled or not.
# ---------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def plugin_manifest():
    """Return the plugin's :class:`~core.plugin_types.PluginManifest`.

    Required for every plugin, and called for every installed plugin, enabled or not, because it
    describes what *can* be enabled. ``name`` must equal the entry-point name; ``requires`` lists
    other plugins that must be enabled for a tenant before this one can be. The manifest declares
    the plugin's parts (see :class:`~core.plugin_types.PluginManifest`); a declared directory
    that does not exist, or a permission not named ``<plugin>.<verb>``, fails start-up. Called
    per plugin (the core asks each plugin directly), so ``firstresult`` only matters if two
    implementations share a module.
    """


# ---------------------------------------------------------------------------------------------
# Per tenant, per request: only plugins enabled for ``tenant`` are called.
# ---------------------------------------------------------------------------------------------


@hookspec
def menu_items(tenant, user):
    """Return :class:`~core.plugin_types.MenuItem` entries for the tenant's main navigation.

    ``user`` is ``None`` for an anonymous visitor; show only what that visitor may open.

    The menu is built once per tenant, language and permission set and then reused (see
    ``core.shell``) until the tenant's modules, settings or theme change: decide with
    ``user is None``, ``can(...)``, the tenant and its settings, never with the person's data.
    """


@hookspec
def dashboard_cards(tenant, user):
    """Return :class:`~core.plugin_types.DashboardCard` entries for the tenant's start page."""


@hookspec
def template_hook(name, context):
    """Return markup (``markupsafe.Markup``) to insert where a template calls ``run_hook(name)``.

    ``name`` identifies the slot (``"dashboard.after_cards"``, ``"page.footer"``); ``context`` is
    the template context. Return ``None`` for slots you do not fill. Escape everything you did not
    write yourself.
    """


@hookspec
def privacy_notice(tenant, session):
    """Return a :class:`~core.plugin_types.PrivacyNotice`: what this module keeps about people,
    why, on which legal basis, for how long, who sees it and with whom it is shared.

    The municipality's public privacy page (``/privacy``) lists one notice per enabled module, so
    parents and partners know what they agree to before they register. Say it in plain words;
    state the real retention (e.g. the tenant setting that drives anonymisation).
    """


@hookspec
def demo_data(tenant, session):
    """Insert demonstration rows for ``tenant`` using ``session`` (already scoped to it).

    Called by ``flask --app core tenants demo`` and ``make run``. Must be idempotent: running it
    twice may not duplicate rows. Make the rows differ per tenant (e.g. include ``tenant.name``):
    the route probe treats tenant A's text showing up at tenant B as a leak.
    """


@hookspec
def switch_off_warnings(tenant, session):
    """Return a list of sentences (in the current language) saying what stops working at
    ``tenant`` when its admin switches this module off, e.g. "3 open referrals can no longer be
    answered" or "links already mailed to candidates will answer 404".

    The admin's module page shows them (after the core's own "its pages answer 404") and asks to
    confirm before anything changes. Count open work through ``session`` (the tenant's session);
    return an empty list when nothing beyond the pages is lost. Never name a person.
    """


@hookspec
def monitoring_figures(tenant, session):
    """Return aggregated, non-personal :class:`~core.plugin_types.Figure` values for ``tenant``.

    ``session`` is a tenant session for ``tenant`` (callers outside a request have no other).
    Call it through :func:`core.subjects.monitoring_figures`, which passes the session and keeps
    to the plugins enabled for the tenant. Set ``Figure.combine`` so a regional view knows how to
    add up several municipalities, and ``Figure.suppress_below`` (e.g. 5) on counts of people so
    it hides small ones (:mod:`core.disclosure`); leave out a figure derived from a small count
    (a median over three children). Give labels and units with ``lazy_gettext``: the regional
    view renders them in every interface language.

    Other plugins (a network's page, the municipality's dashboard) show these so partners discuss
    facts. Never return anything that identifies a person.
    """


# ---------------------------------------------------------------------------------------------
# Data one plugin owns and others read. The owner answers; the others must work without it
# (the owner may be disabled for the tenant, then the call returns nothing). ``session`` is the
# caller's tenant session for ``tenant``: read through it, so the answer sees the caller's own
# unflushed work and the same row-level security.
# ---------------------------------------------------------------------------------------------


@hookspec
def childcare_locations(tenant, session):
    """Return the tenant's childcare locations as :class:`~core.plugin_types.LocationSummary`.

    Answered by the loket plugin, which owns locations. The training plugin uses them for
    internship placements, the starters plugin to link a new facility to its location.
    """


@hookspec
def reserved_places(tenant, session):
    """Return :class:`~core.plugin_types.ReservedPlaces` that allocation must keep out of reach.

    Answered by the starters plugin (companies that fund or host a facility in return for places
    for their employees). The loket plugin subtracts them from what a round may allocate, except
    for the families in ``claimed_by``: employees whose claim was accepted
    (:func:`claim_reserved_place`). A round offers them the reserved places first, in claim
    order, at the location of ``location_id``; places no claimant takes stay out of reach.
    Give each entry a stable ``reference`` so a claim can name it.
    """


@hookspec
def reserved_places_for_employee(tenant, session, user):
    """Return the :class:`~core.plugin_types.ReservedPlaces` ``user`` may claim as an employee.

    Answered by the owner of the company agreements (the starters plugin). Only places whose
    company the user is *proven* to work for: the owner decides what proves it and documents
    it (starters: an e-mail address on one of the company's domains that the user proved, see
    :func:`core.identity.confirmations.verified_email`; a typed address proves nothing). Only
    current agreements at a known location. An unproven user gets an empty list, never an
    error, so the caller can simply show nothing.
    """


@hookspec(firstresult=True)
def claim_reserved_place(tenant, session, user, reference, request_id):
    """Record ``user``'s claim on the reserved places ``reference`` for loket request
    ``request_id``; return a :class:`~core.plugin_types.ReservedPlaceClaim`.

    The caller (the loket plugin) checks first that the request is the user's own and still
    waits for a place. The owner checks again that the user is proven to work for the company
    (as :func:`reserved_places_for_employee` does) and refuses with a reason otherwise; an
    unknown reference, another tenant's, or one the user has no claim on are refused alike,
    with the same reason, so references cannot be probed. Claiming twice is accepted once (the
    first claim keeps its place in the order). An accepted claim appears in ``claimed_by`` of
    :func:`reserved_places` and is shown to whoever keeps the agreement. Stops at the first
    non-``None`` result; ``None``: nobody owns company places here.
    """


@hookspec
def unmet_demand_by_area(tenant, session):
    """Return :class:`~core.plugin_types.UnmetDemandArea` rows: where children wait for a place.

    Answered by the loket plugin, which owns the requests: per area (the family's area, else its
    first choice's), the children still waiting, those whose wanted start has passed, and the
    median days since registration. Small counts are already hidden by
    :mod:`core.disclosure`'s rule (``None``): show the figures as they come, never work them
    out again. The starters plugin shows them to starters choosing where to open. Without the
    loket the call returns nothing; show nothing then.
    """


@hookspec
def planned_places(tenant, session):
    """Return :class:`~core.plugin_types.PlannedPlaces` for facilities that starters plan to open.

    Answered by the starters plugin from applications that are submitted or approved (drafts do
    not count). The training plugin sets the graduates it expects per quarter against them, so
    the municipality sees whether enough childcare workers will be ready for the new places.
    """


@hookspec(firstresult=True)
def loket_participation(tenant, session, location_id):
    """Return :class:`~core.plugin_types.LoketParticipation` for one location, or ``None``.

    Answered by the loket plugin: whether the location takes part in the local loket and how it
    answered requests. The starters plugin shows it for premiums that depend on it. Stops at the
    first non-``None`` result.
    """


@hookspec(firstresult=True)
def consent_for_case(tenant, session, case_reference, participant_organisation_ids):
    """Return the :class:`~core.plugin_types.ConsentRecord` for a family's case, or ``None``.

    Answered by the ckg plugin, which owns consent. The networks plugin asks before a case
    consultation records family details, and again whenever it shows them, passing the platform
    organisations taking part in the consultation (``participant_organisation_ids``, a set of
    ids): a consent counts only where its owner takes part. Answer ``None`` alike for an unknown
    reference and for one the participants have no business with, so references cannot be
    guessed. Stops at the first non-``None`` result.
    """


@hookspec(firstresult=True)
def childcare_deviation_advice(tenant, session, advice):
    """Record a family-support organisation's advice to deviate for a family; return a
    :class:`~core.plugin_types.DeviationAdviceAnswer`, or ``None`` when no loket answers.

    Answered by the loket plugin. The rules since 1 April 2024 let a location with an
    income-related price deviate from the absolute priority for at most 10 % of its places, in the
    interest of the child or for a health or welfare situation in the family, on the advice of a
    family-support organisation. The ckg plugin calls this when a CKG worker gives that advice
    from a case whose family consented to it (``advice`` is a
    :class:`~core.plugin_types.DeviationAdvice`).

    The loket looks, through ``session`` (the adviser's tenant session, so another municipality's
    requests are never seen), for the family's open request that lists ``advice.location_id``,
    records the deviation with the adviser (audited) and answers only ``outcome``:
    ``recorded``, ``no_matching_request``, ``cap_reached`` (the location already deviates for
    10 % of its places; nothing recorded) or ``unknown_location``. It never returns anything about
    the request itself. Recording the same advice twice is harmless. The adviser withdraws it
    with the event ``ckg.deviation_advice_withdrawn`` (see ``on_event``), e.g. when the family
    withdraws its consent. Stops at the first non-``None`` result.
    """


# ---------------------------------------------------------------------------------------------
# Events: a plugin announces a domain event, others react.
# ---------------------------------------------------------------------------------------------


@hookspec
def on_event(event, session):
    """React to a :class:`~core.plugin_types.DomainEvent` announced by the core or a plugin.

    ``event.tenant_id`` says whose event it is; only plugins enabled for that tenant are called.
    ``session`` is the announcer's tenant session: write through it so the reaction commits or
    rolls back with the announcer's transaction (accept only ``event`` if you do not need it).
    Handlers run in the announcer's transaction: raise to veto, and keep them quick. Name events
    ``<plugin>.<past_tense>`` and put only what the receiver may see in ``payload`` (e.g. the
    fields a parent consented to share). Events used between plugins:

    * ``loket.referral_to_ckg_requested`` — loket staff hand a request to a CKG; payload: the
      consented fields. The ckg plugin creates a referral and answers with
      ``ckg.referral_received`` (payload: referral id, loket request id).
    * ``training.childcare_needed`` — a candidate lacks childcare for their own child and
      consented to a loket request; payload: the consented fields. The loket plugin creates a
      draft request and answers with ``loket.request_drafted``.
    * ``ckg.deviation_advice_withdrawn`` — a CKG withdraws advice it gave through
      ``childcare_deviation_advice`` (the family withdrew its consent, or the worker did);
      payload: ``advice_id``. The loket removes the deviation that advice recorded, at once.
    """


# ---------------------------------------------------------------------------------------------
# Privacy: the data subject's rights (GDPR art. 15 and 17).
# ---------------------------------------------------------------------------------------------


@hookspec
def export_subject_data(tenant, subject, session, requester):
    """Return a JSON-serialisable dict of what this plugin holds about ``subject`` for
    ``requester``.

    ``session`` is a tenant session for ``tenant``: the export runs from a page and from the
    command line (``flask --app core subjects export``), so do not rely on a request.

    ``subject`` is a :class:`~core.plugin_types.DataSubject` (user id and/or e-mail). Return
    ``None`` when the plugin holds nothing.

    ``requester`` (a :class:`~core.plugin_types.SubjectRequester`) says who asks, and so for what
    purpose:

    * ``"self"`` — the signed-in person downloads their own data ("Mijn gegevens"): give what
      this plugin lets the person see of themselves.
    * ``"tenant_admin"`` — an administrator exports it on the person's written request (the
      tenant admin's privacy page; a platform operator on the command line). The administrator
      runs the municipality, not every service in it: what a partner keeps under its own
      professional secrecy (a CKG's case content) must not pass through the administrator.
      Return a pointer instead — which organisation holds data about the person and how the
      person reaches it — so the person can ask there.

    Treat an unknown value like ``"tenant_admin"``: when in doubt, give less. An implementation
    that does not accept ``requester`` gets everything it returns shown to both.
    """


@hookspec
def erase_subject_data(tenant, subject, session):
    """Erase or anonymise what this plugin holds about ``subject``; return the number of rows.

    Write through ``session`` (a tenant session for ``tenant``): the erasure commits as a whole
    with its audit entry, or not at all. Erasure runs on an administrator's request (the privacy
    page or the command line), and the count is all the administrator sees: return a number,
    never what was erased.

    Keep what the law obliges you to keep (e.g. a placement decision) but strip the person from it.
    Where the law obliges you to keep it *with* the person for now (a case in guidance), do not
    erase: hold it, hand it to whoever must decide, count nothing, and answer
    ``erasure_holds`` so the administrator and the person see why.
    """


@hookspec
def erasure_holds(tenant, subject, session):
    """Return the :class:`~core.plugin_types.ErasureHold` entries still open for ``subject``.

    An erasure a plugin held (see ``erase_subject_data``) is shown, with its reason, to the
    administrator right after asking for it on the privacy page, and to the person on their own
    data page ("Mijn gegevens"). Say in plain words, in the current language, which module holds
    it, on what legal ground, since when and what happens next — never what the data is. Read
    through ``session`` (a tenant session for ``tenant``): another municipality's holds are not
    yours to tell. Return an empty list (or ``None``) when nothing is held.
    """


@hookspec
def readiness_checks(app):
    """Return ``{name: check}`` for what this plugin needs to serve, checked by ``/readyz``.

    A check is a function without arguments that returns a dict with ``"ok"`` (bool) and any
    figures an operator would want (no personal data: ``/readyz`` is read by monitoring tools).
    Raising counts as not ok. Keep each check under a second or two — a load balancer polls it —
    and side-effect free apart from what it must touch to know (e.g. writing and deleting a probe
    file in an upload store). Called for every installed plugin, outside any tenant; ``app`` is
    the Flask app, for the plugin's settings. Name checks after your plugin (``"starters.uploads"``).
    """
