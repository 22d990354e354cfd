"""Several workstations in one dashboard: the ``host`` parameter, the selector, the header.

Every page and API endpoint takes ``?host=NAME`` (one workstation's own time) or no host
(every host together, each moment counted once: ``store/overlap.py``). The choice is checked
once per request (an unknown name is a 400 that lists the hosts) and kept on every link the
page makes (``keep_host``, a URL default).

The names of the hosts a store holds are kept a short while (``host_choice.HostNames``); a
name not in that list is looked up again before it is refused, so a host that just synced for
the first time is never turned away.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import g, request
from markupsafe import Markup, escape

from deskmeter.reports.privacy import Privacy
from deskmeter.reports.shapes import CurrentState
from deskmeter.store import Store, StoreError
from deskmeter.store.totals import local_midnight
from deskmeter.web.context import web_context
from deskmeter.web.host_choice import CHOSEN_KEY, HostNames, chosen_host
from deskmeter.web.params import ParameterError

#: The query parameter.
PARAMETER = "host"
#: The most characters of an unknown name repeated in an error.
SHOWN = 40
#: Query parameters the selector's form does not carry to the chosen host's page.
NOT_KEPT = frozenset({PARAMETER, "page"})


def _privacy() -> Privacy:
    return Privacy.of(web_context().settings)


def parse_host(
    args: Mapping[str, str], store: Store, names: HostNames, privacy: Privacy | None = None
) -> str | None:
    """The ``host`` of the query: a known host's (real) name, or None (absent or empty: all
    hosts). On a portfolio the name is the one shown (``reports/privacy.py``): a hidden host
    cannot be chosen, an aliased one only by its alias."""
    text = args.get(PARAMETER)
    if text is None or text == "":
        return None
    shown = privacy or Privacy()
    real = shown.real_host(text, names.names(store))
    if real is None:
        real = shown.real_host(text, names.names(store, fresh=True))
    if real is None:
        public = [p for n in names.names(store) if (p := shown.host(n)) is not None]
        listed = ", ".join(repr(n) for n in public) if public else "none yet"
        raise ParameterError(
            PARAMETER,
            f"no host {text[:SHOWN]!r} in this store (hosts: {listed}; leave it empty for all)",
        )
    return real


def check_request_host(store: Store, names: HostNames) -> str | None:
    """Read and check this request's ``host`` once (raises ``ParameterError``)."""
    if CHOSEN_KEY in g:
        found: str | None = g.get(CHOSEN_KEY)
        return found
    g.setdefault(CHOSEN_KEY, None)  # an error page links to every host, not to the wrong one
    host = parse_host(request.args, store, names, _privacy())
    setattr(g, CHOSEN_KEY, host)
    return host


def shown_chosen_host() -> str | None:
    """The chosen host by the name this dashboard shows it under (None: all hosts)."""
    host = chosen_host()
    if host is None:
        return None
    return _privacy().host(host)


def keep_host(endpoint: str | None, values: dict[str, Any]) -> None:
    """A URL default: every link to a page or the API keeps the chosen host.

    ``url_for(..., host=None)`` leaves it out.
    """
    if endpoint == "static" or PARAMETER in values:
        return
    host = shown_chosen_host()
    if host is not None:
        values[PARAMETER] = host


def host_query() -> str:
    """``?host=NAME`` for links built by hand (empty for all hosts)."""
    host = shown_chosen_host()
    return "?" + urlencode({PARAMETER: host}) if host is not None else ""


def host_field() -> Markup:
    """A hidden ``host`` input for a GET form (its action's query is not sent), or nothing."""
    host = shown_chosen_host()
    if host is None:
        return Markup("")
    return Markup('<input type="hidden" name="host" value="{}">').format(escape(host))


@dataclass(frozen=True, slots=True)
class Picker:
    """What the header's host selector shows."""

    names: tuple[str, ...]
    selected: str | None
    #: The other query parameters of this page, carried over by the form.
    keep: tuple[tuple[str, str], ...]


def picker(store: Store, names: HostNames) -> Picker:
    """The selector of this page (no hosts when the store cannot say: an error page)."""
    kept = tuple((k, v) for k, v in request.args.items(multi=True) if k not in NOT_KEPT)
    try:
        known = names.names(store)
    except StoreError:
        known = ()
    privacy = _privacy()
    shown = tuple(p for n in known if (p := privacy.host(n)) is not None)
    return Picker(names=shown, selected=shown_chosen_host(), keep=kept)


def shown_time(value: datetime, *, exact: bool, tz: ZoneInfo) -> datetime:
    """``value`` as a public page may show it: exact, or cut to the start of its local day."""
    if exact:
        return value
    return local_midnight(value.astimezone(tz).date(), tz)


def file_part(host: str) -> str:
    """A host name made safe for a download's file name."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in host)[:40]


def as_of(store: Store, state: CurrentState, *, exact: bool, tz: ZoneInfo) -> datetime:
    """When the header's state was current: its host's last sync into this store (its last
    heartbeat where nothing syncs in), cut to the day unless exact times are shown."""
    synced = store.last_syncs().get(state.host)
    moment: datetime = state.heartbeat if synced is None else synced
    return shown_time(moment, exact=exact, tz=tz)
