"""The tracker: it watches which workspace is active (``sources/``, one per desktop) and
whether the user is at the computer (``presence/``), and writes a switch to the store each
time the workspace, its task or presence changes, with a heartbeat on the open interval.

Every source runs in its own thread and puts events on one queue; one ``Tracker`` loop
(``daemon.py``) turns them into switches. Its clock (``clock.py``) is injected, so tests run
it at a fixed instant. (The design notes call this part "dmcore".)
"""
