"""Queue the e-mails a feedback event causes, as django-q2 tasks.

* the citizen, if they left an e-mail address, hears of each public status change;
* the department hears when an item is forwarded to it.

Messages carry the tracking code, the public status and links, never the
submitter's identity or internal notes. The sending itself is in
``feedback/tasks.py``.
"""

from feedback.queue import enqueue


def _enqueue(func, *args):
    return enqueue(func, *args, group="feedback-mail")


def queue_for_event(event_id):
    """Called on commit after every workflow move."""
    return _enqueue("feedback.tasks.send_event_notifications", event_id)
