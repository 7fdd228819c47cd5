"""Input/output models shared by the API, the workflows and the activities.

Personal data lives only in subclasses of :class:`workflows.models.personal.PersonalData`
so the payload codec and the retention purge can find it.
"""
