"""Whether an absence is excused: one decision, asked by the planning grid and by the invoice line.

An absence an agent refused is not excused (the day is billed). Otherwise, declared before its
deadline it is excused (nothing is billed); after the deadline it is excused only when its
reason's rule (`absence_reasons`: `excuses_late`) says so and the document that rule asks for
(`requires_document`) was given. Nothing else decides it: the grid (« Absent excusé » / « Absent
facturé ») and billing (its `excused` fact) both ask `Excuses`; the database keeps no copy.
"""

from __future__ import annotations

import attrs

from famille.kernel.planning.inputs import AbsenceState, AbsenceStatus
from famille.kernel.planning.records import AbsenceRecord
from famille.kernel.planning.rules import NO_REASON, AbsenceReason, reason_rule
from famille.ports.rules import Rules


def is_excused(*, in_time: bool, reason: AbsenceReason | None, document: bool) -> bool:
    """Excused when declared in time; late, only for a reason that excuses late absences, with its document."""
    if in_time:
        return True
    if reason is None:
        return False
    return reason.excuses_late and (document or not reason.requires_document)


class Excuses:
    """`is_excused` for one organisation, each reason asked of the rules once.

    Made per use case (a grid, a run): the rules in force may be reloaded between two.
    """

    def __init__(self, rules: Rules, organisation_code: str) -> None:
        self._rules = rules
        self._organisation = organisation_code
        self._reasons: dict[str, AbsenceReason | None] = {}

    def excused(self, *, in_time: bool, reason: str | None, document: bool, refused: bool = False) -> bool:
        """Whether an absence declared `in_time` (or not) for `reason`, with or without its document, is excused.

        An absence an agent `refused` is not. A reason the rule file no longer lists (an absence
        kept from before a change of the file) excuses nothing late: the file is what excuses.
        """
        if refused:
            return False
        if in_time:
            return True
        return is_excused(in_time=False, reason=self._rule(reason), document=document)

    def _rule(self, reason: str | None) -> AbsenceReason | None:
        """What the rule file says of `reason` (None: no reason, or one it no longer lists), asked once."""
        if not reason or reason == NO_REASON:
            return None
        if reason not in self._reasons:
            self._reasons[reason] = reason_rule(self._rules, self._organisation, reason)
        return self._reasons[reason]

    def judged(self, record: AbsenceRecord) -> AbsenceState:
        """The absence's state with `excused` decided now (a decided absence; a pending one is left as is),
        and `parental_leave` as its reason's rule says (a congé parental)."""
        return self.judged_state(record.state, document=bool(record.document))

    def judged_state(self, state: AbsenceState, *, document: bool) -> AbsenceState:
        """`judged` of an absence's state, with or without its document."""
        rule = self._rule(state.reason)
        leave = rule is not None and rule.parental_leave
        if leave != state.parental_leave:
            state = attrs.evolve(state, parental_leave=leave)
        if not state.is_decided:
            return state
        excused = self.excused(in_time=state.in_time, reason=state.reason, document=document,
                               refused=state.status is AbsenceStatus.REFUSED)
        return state if excused == state.excused else attrs.evolve(state, excused=excused)

    def judged_record(self, record: AbsenceRecord) -> AbsenceRecord:
        """The record with its state `judged`: what a view of the absence shows."""
        state = self.judged(record)
        return record if state is record.state else attrs.evolve(record, state=state)
