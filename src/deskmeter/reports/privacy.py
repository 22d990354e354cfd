"""What a public (portfolio) dashboard shows of its owner: the ``[portfolio]`` settings as
one object every page and API answer asks.

* Task paths are cut to ``path_depth`` levels (the one knob; default 1: ``work/client-a/api``
  shows as ``work``; 0 shows whole paths). ``web.coarsen_tasks``, its older name, still
  loads (``config.py`` says it is deprecated).
* Workspace names are hidden unless ``show_workspaces`` (a workspace named after a client
  would tell what the task path hides): no workspace column, no ``group=workspace``.
* Host names are hidden unless ``show_hosts``; ``host_aliases`` gives hosts a public name
  (only aliased hosts can then be chosen, by their alias).
* ``show_presence = false`` hides what runs now (and whether the owner is away).

A local dashboard (the owner's own) shows everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from deskmeter.config import Settings


@dataclass(frozen=True, slots=True)
class Privacy:
    portfolio: bool = False
    #: Levels of a task path shown (0: all).
    depth: int = 0
    show_workspaces: bool = True
    show_hosts: bool = True
    aliases: Mapping[str, str] = field(default_factory=dict)
    show_presence: bool = True

    @classmethod
    def of(cls, settings: Settings) -> Privacy:
        if settings.web.mode != "portfolio":
            return cls()
        public = settings.portfolio
        return cls(
            portfolio=True,
            depth=public.path_depth,
            show_workspaces=public.show_workspaces,
            show_hosts=public.show_hosts,
            aliases=dict(public.host_aliases),
            show_presence=public.show_presence,
        )

    def host(self, name: str) -> str | None:
        """The name ``name`` (a real host name) goes by here; None: it is not shown."""
        if name in self.aliases:
            return self.aliases[name]
        return name if self.show_hosts else None

    def shown_host(self, name: str | None) -> str:
        """``name`` as shown, "" when hidden (or None)."""
        return (self.host(name) or "") if name else ""

    def real_host(self, public: str, known: Iterable[str]) -> str | None:
        """The real name of the host shown as ``public`` (None: no such shown host)."""
        for name in known:
            if self.host(name) == public:
                return name
        return None

    def workspace(self, name: str) -> str:
        """A workspace name as shown ("" when workspace names are hidden)."""
        return name if self.show_workspaces else ""
