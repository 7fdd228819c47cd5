"""The helpline's vocabulary and rules, at the bottom of every dependency.

Models, enums (each beside its subdomain: intake, case, items, notice, referral,
catalog, tasks), ``CasePolicy``, the callback window, the typed message contract of
the workflows and the projections written to the app database; pure decision rules
in :mod:`domain.rules`. Imports nothing of Relais: workflows, activities, adapters,
the API and ``relais`` plumbing depend down on it.

Personal data lives only in subclasses of :class:`domain.personal.PersonalData`, so
the payload codec and the retention purge can find it.
"""
