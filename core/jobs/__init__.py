"""Background work: the Celery job runner, scheduled jobs, and the lock that keeps them single.

* :mod:`core.jobs.celery_app` builds the Celery application of a Flask app (``celery -A
  core.worker worker`` and ``celery -A core.worker beat`` run it in production; ``make run``
  starts both on an embedded broker).
* :mod:`core.jobs.runner` runs a :class:`core.plugin_types.ScheduledJob` for every tenant, for
  beat and for ``flask --app core jobs run <name>`` alike.
* :mod:`core.jobs.locks` is the database lease that lets one run of a job be busy at a time.
"""
