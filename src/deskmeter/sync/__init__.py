"""Sync: push every change of the local store to a remote MongoDB, losing nothing (so a
portfolio dashboard elsewhere shows this machine's time). The design notes call it "dmsync".

A *source* (``source.py``: the local MongoDB's change stream, or the SQLite backend's change
log) yields ordered batches of changes with a resume position; a *sink* (``sink.py``: the
remote MongoDB) applies them idempotently; a *checkpoint* (``checkpoint.py``) saves the
position in the local store only after the sink acknowledged the batch. ``engine.py`` runs
the loop: first sync (full copy from a position taken before it), streaming, resync when the
position is lost, capped exponential backoff when the remote is away.
"""
