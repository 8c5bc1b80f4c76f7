"""What each panel's numbers depend on in the agreements, as comparable keys.

After an agreements reload, `tui.data.StoreSource` re-uses whatever a key says is
unchanged: the evaluation when no measured commitment changed (a touched file, an
edited summary), a commitment's trend when that commitment did not change, the
attention list when no `open` commitment changed, the funnel when the stages did
not. Keys are made from the documents' JSON, so anything that might change a
number changes its key (a commitment's text too: safe, at the price of a
recomputation).

- `ModelKeys` / `model_keys(ws)`: every key of a workspace at once.
- `commitment_key(ws, ref)`: one commitment's (calendar, agreement in force,
  commitment, KPI, bounds).
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.domain.measures import kind_of
from accord.domain.workspace import CommitmentRef, Workspace


@dataclass(frozen=True)
class ModelKeys:
    """The keys of one workspace (compare them between two loads of the agreements)."""

    commitments: dict[tuple[str, str], str]
    """(agreement id, commitment id) → `commitment_key`, in the workspace's order."""
    evaluation: tuple[str, ...]
    """Every measured commitment's key, in order: equal keys, equal evaluation."""
    attention: tuple[str, ...]
    """The keys of the `open` commitments (the attention list's sources)."""
    funnel: tuple[str, ...]
    """The calendar and the stages in funnel order."""


def calendar_key(ws: Workspace) -> str:
    """The workspace's calendar (time zone, hours, workdays, holidays)."""
    return ws.settings.calendar.model_dump_json()


def commitment_key(ws: Workspace, ref: CommitmentRef) -> str:
    """Everything a commitment's value, status and trend are computed from."""
    agreement = ref.agreement
    return "\n".join(
        (
            calendar_key(ws),
            agreement.id,
            agreement.status,
            str(agreement.effective),
            ref.commitment.model_dump_json(),
            ref.kpi.model_dump_json(),
            repr(ref.bounds),
        )
    )


def model_keys(ws: Workspace) -> ModelKeys:
    """Every key of `ws` (a few dozen small JSON dumps: cheap, but made once per load)."""
    refs = ws.commitments()
    keys = {ref.key: commitment_key(ws, ref) for ref in refs}
    calendar = calendar_key(ws)
    return ModelKeys(
        commitments=keys,
        evaluation=tuple(keys.values()),
        attention=tuple(keys[ref.key] for ref in refs if not kind_of(ref.kpi.measure).period_bound),
        funnel=(calendar, *(stage.model_dump_json() for stage in ws.funnel)),
    )
