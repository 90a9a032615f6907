"""What search keeps between requests, and how every process learns that it changed.

Search reads editor-managed data at every request (synonyms, promotions,
referrals, view restrictions, fields of activity, life events, the
vocabulary), and the search API answers the same queries again and again
(the same few procedures; every keystroke of the autocomplete). Each process
keeps them in its own memory, filed under a *generation*: a token in the
shared cache (Redis, or the database cache table without it), which every
app server and worker reads.

Anything that can change a search result replaces the token (``bump``): a
page published, unpublished, moved or deleted, a view restriction, a
synonym, promotion, referral or field of activity saved or deleted
(search/signals.py). Every process then starts afresh. A process reads the
token at most once per ``GENERATION_TTL`` seconds, so another app server
follows a change within that second; the process that made the change
follows it at once.

Search answers are also kept in the shared store of the anonymous page cache
(``home.page_cache.store()``: Redis, or files on the machine's disk) under the
same token, so a query one app server or worker has answered is not computed
again by the others (``SEARCH_SHARE_RESULTS``). A change replaces the token at
once and again when its transaction commits: an answer computed from the old
rows while the change was being saved is filed under a token nobody reads.
"""

import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from home import page_cache

logger = logging.getLogger(__name__)

GENERATION_KEY = "search:generation"
GENERATION_TTL = 1.0  # seconds a process trusts the token it read
RESULTS_MAX = 2000  # search answers kept per process (the least recently used go first)
EACH_MAX = 3000  # values kept per process by ``kept_each``, for each name (the same order)

_lock = threading.Lock()  # gthread workers: the answers' LRU order is shared by the threads
_state = {"token": None, "read_at": 0.0, "values": {}, "results": OrderedDict()}


def _shared():
    return caches["shared"] if "shared" in settings.CACHES else caches["default"]


def generation():
    """The current token (read from the shared cache at most once per ``GENERATION_TTL``)."""
    now = time.monotonic()
    if _state["token"] is not None and now - _state["read_at"] < GENERATION_TTL:
        return _state["token"]
    try:
        shared = _shared()
        token = shared.get(GENERATION_KEY)
        if token is None:
            shared.add(GENERATION_KEY, uuid.uuid4().hex, None)  # another process may have set one first
            token = shared.get(GENERATION_KEY)
    except Exception:  # any cache failure (Redis down, no cache table): search still answers
        logger.warning("Search: the shared cache cannot be read; nothing is kept until it can.", exc_info=True)
        token = uuid.uuid4().hex  # a new token each time: nothing kept is trusted
    _adopt(token, now)
    return token


def _adopt(token, now):
    if token != _state["token"]:
        _state["values"] = {}
        _state["results"] = OrderedDict()
    _state["token"], _state["read_at"] = token, now


def bump(**kwargs):
    """Something search shows changed: every process drops what it kept (signal receiver).

    Now, and once more when the transaction commits (see the module docstring)."""
    _bump_now()
    transaction.on_commit(_bump_now)


def _bump_now():
    token = uuid.uuid4().hex
    try:
        _shared().set(GENERATION_KEY, token, None)
    except Exception:  # see generation()
        logger.warning(
            "Search: the shared cache cannot be written; other processes follow within a second only once it can.",
            exc_info=True,
        )
    _adopt(token, time.monotonic())


def kept(key, build):
    """``build()`` once per generation in this process."""
    generation()
    values = _state["values"]
    if key not in values:
        values[key] = build()
    return values[key]


def kept_each(name, keys, build):
    """{key: value} for ``keys``: those this process kept in this generation, and ``build(missing
    keys)`` ({key: value}) for the others, kept too. At most ``EACH_MAX`` per name, the least recently
    used go first. Values built while the generation changed are filed under the old one."""
    generation()
    with _lock:
        store = _state["values"].setdefault(("each", name), OrderedDict())
        found = {}
        for key in keys:
            value = store.get(key)
            if value is not None:
                store.move_to_end(key)
                found[key] = value
    missing = [key for key in keys if key not in found]
    if missing:
        built = build(missing)
        with _lock:
            store.update(built)
            while len(store) > EACH_MAX:
                store.popitem(last=False)
        found.update(built)
    return found


def _shared_key(token, key):
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    return f"search:{token}:{digest}"


def answer(key, compute):
    """The search answer for ``key`` (a tuple): kept by this process, else by another one (the shared
    store), else ``compute()``-d now and kept in both, filed under the token read before computing it."""
    if not settings.SEARCH_KEEP_RESULTS:
        return compute()
    token = generation()
    with _lock:
        results = _state["results"]
        value = results.get(key)
        if value is not None:
            results.move_to_end(key)
            return value
    share = settings.SEARCH_SHARE_RESULTS and settings.PAGE_CACHE_SECONDS
    if share:
        try:
            value = page_cache.store().get(_shared_key(token, key))
        except Exception:  # the shared store is down or its file unreadable: compute it
            logger.warning("Search: a shared answer could not be read.", exc_info=True)
    if value is None:
        value = compute()
        if share:
            try:
                page_cache.store().set(_shared_key(token, key), value, settings.PAGE_CACHE_SECONDS)
            except Exception:  # this process keeps it anyway
                logger.warning("Search: an answer could not be shared.", exc_info=True)
    with _lock:
        if _state["token"] == token:  # nothing changed while it was computed
            results = _state["results"]
            results[key] = value
            if len(results) > RESULTS_MAX:
                results.popitem(last=False)
    return value


def forget():
    """Drop what this process kept and read the token again (a database restored under it; tests)."""
    _state.update(token=None, read_at=0.0, values={}, results=OrderedDict())
