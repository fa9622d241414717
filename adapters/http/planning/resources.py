"""The planning routes: the month grid, bookings, absences, and the agents' side.

Families see and change their own children; agents their organisation's. Anything
else answers 404, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import falcon

from famille.adapters.http.auth import AGENT, AUTHENTICATED, FAMILY, PUBLIC
from famille.adapters.http.payloads import ID_MAX, path_id
from famille.adapters.http.planning.payloads import (
    absence_body,
    attendance_body,
    booking_body,
    closure_body,
    decision_body,
    enrolment_body,
    query_day,
    query_month,
    query_text,
)
from famille.adapters.http.planning.views import (
    absence_view,
    booking_view,
    closure_view,
    enrolment_view,
    event_view,
    headcounts_csv,
    headcounts_view,
    legend_view,
    pending_view,
    planning_document,
    report_view,
    roll_call_view,
)
from famille.adapters.http.routes import Route
from famille.adapters.http.views import created
from famille.kernel.planning.agent import AgentPlanning
from famille.kernel.planning.service import Planning
from famille.kernel.shared.errors import FieldError, ValidationFailed
from famille.ports.http import Application

API = "/api/v1"
CSV = "text/csv"


class PlanningResource(Route[Planning]):
    """`GET /children/{child_id}/planning?month=YYYY-MM&service=&structure=`."""

    auth = AUTHENTICATED

    def __init__(self, planning: Planning, today: Callable[[], date]) -> None:
        super().__init__(planning)
        self._today = today

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The month grid of a child."""
        child_id = path_id(child_id, "Enfant")
        month = query_month(req, self._today())
        grid = self._use_case.month(req.context.principal, child_id, month, service=query_text(req, "service"),
                                    structure=query_text(req, "structure", ID_MAX), read=req.context.child)
        resp.text = planning_document(grid)
        resp.content_type = falcon.MEDIA_JSON


class HistoryResource(Route[Planning]):
    """`GET /children/{child_id}/planning/history?from=&to=`: every change, for billing and disputes."""

    auth = AUTHENTICATED

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The child's changes for days in the range (at most a year)."""
        child_id = path_id(child_id, "Enfant")
        first, last = query_day(req, "from"), query_day(req, "to")
        assert first is not None and last is not None
        if last < first or last - first > timedelta(400):
            raise ValidationFailed([FieldError("to", "Paramètre « to » : après « from », 400 jours au plus.")])
        events = self._use_case.history(req.context.principal, child_id, first, last)
        resp.media = {"events": [event_view(e) for e in events]}


class LegendResource:
    """`GET /planning/legend`: the statuses a cell may have."""

    auth = PUBLIC

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The legend."""
        resp.media = legend_view()


class _ChildCellsRoute(Route[Planning]):
    """A route on a child's cells, served twice: to its family, and to an agent acting for it."""

    def __init__(self, planning: Planning, *, as_agent: bool) -> None:
        super().__init__(planning)
        self._as_agent = as_agent
        self.auth = AGENT if as_agent else FAMILY


class ChildBookingsResource(_ChildCellsRoute):
    """`POST /children/{child_id}/bookings` (a family) or `/agent/children/{child_id}/bookings` (an agent)."""

    def on_post(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """Book the selected cells; the answer lists the cells booked and those skipped, with why."""
        child_id = path_id(child_id, "Enfant")
        cells, _ = booking_body(req)
        report = self._use_case.book(req.context.principal, child_id, cells, as_agent=self._as_agent,
                                     read=req.context.child)
        resp.media = report_view(report)


class FamilyBookingsResource(Route[Planning]):
    """`POST /bookings`: the same cells for several children of the family, in one request."""

    auth = FAMILY

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Book for every child named in `children`."""
        cells, children = booking_body(req, with_children=True)
        reports = self._use_case.book_children(req.context.principal, children, cells)
        resp.media = {"reports": [report_view(r) for r in reports]}


class ChildAbsencesResource(_ChildCellsRoute):
    """`POST /children/{child_id}/absences` (a family) or `/agent/children/{child_id}/absences` (an agent)."""

    def on_post(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """Declare an absence on a cell, several cells, or the whole child over a range."""
        child_id = path_id(child_id, "Enfant")
        cells, every_service, reason, note, document = absence_body(req)
        principal = req.context.principal
        if every_service:
            days = sorted({day for _, day in cells})
            services = self._use_case.enrolled_services(principal, child_id, days[0], days[-1]) if days else []
            cells = [(service, day) for day in days for service in services]
            if not cells:
                raise ValidationFailed([FieldError("from", "L'enfant n'est inscrit à aucun service sur ces jours.")])
        report = self._use_case.declare_absence(principal, child_id, cells, reason, note=note, document=document,
                                                as_agent=self._as_agent)
        resp.media = report_view(report)


class AgentBookingsResource(Route[AgentPlanning]):
    """`GET /agent/bookings?status=pending`: bookings and absences waiting for a decision."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The organisation's queue, by day."""
        status = req.get_param("status")
        if status is None:  # a blank `status=` is a wrong value, not the default
            status = "pending"
        if status != "pending":
            raise ValidationFailed([FieldError("status", "Paramètre « status » : seule la valeur pending existe.")])
        resp.media = {"requests": [pending_view(e) for e in self._use_case.pending(req.context.principal)]}


class BookingDecisionResource(Route[AgentPlanning]):
    """`POST /agent/bookings/{booking_id}/decision`."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response, booking_id: str) -> None:
        """Accept, or refuse with a reason; the family is told."""
        booking_id = path_id(booking_id, "Réservation")
        accept, reason = decision_body(req)
        resp.media = booking_view(self._use_case.decide_booking(req.context.principal, booking_id, accept=accept,
                                                                reason=reason))


class AbsenceDecisionResource(Route[AgentPlanning]):
    """`POST /agent/absences/{absence_id}/decision`."""

    auth = AGENT

    def on_post(self, req: falcon.Request, resp: falcon.Response, absence_id: str) -> None:
        """Accept (excused or billed per the rules), or refuse with a reason (kept on the cell: billed)."""
        absence_id = path_id(absence_id, "Absence")
        accept, reason = decision_body(req)
        decided = self._use_case.decide_absence(req.context.principal, absence_id, accept=accept, reason=reason)
        resp.media = {"accepted": accept, "absence": absence_view(decided)}


class HeadcountsResource(Route[AgentPlanning]):
    """`GET /agent/headcounts?date=`: JSON, or CSV for Excel with `Accept: text/csv`."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Children expected per structure and service; canteen meals by pratique alimentaire."""
        day = query_day(req)
        assert day is not None
        counts = self._use_case.headcounts(req.context.principal, day)
        if req.client_prefers([falcon.MEDIA_JSON, CSV]) == CSV:
            resp.content_type = f"{CSV}; charset=utf-8"
            resp.set_header("Content-Disposition", f'attachment; filename="effectifs-{day.isoformat()}.csv"')
            resp.data = headcounts_csv(day, counts)
            return
        resp.media = headcounts_view(day, counts)


class AttendanceResource(Route[AgentPlanning]):
    """`GET /agent/attendance?date=&service=` (the list to tick), `POST` one pointage."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Children expected that day (and any already recorded), with what was recorded."""
        day = query_day(req)
        assert day is not None
        lines = self._use_case.roll_call(req.context.principal, day, query_text(req, "service"))
        resp.media = roll_call_view(day, lines)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Record present (with arrival and departure) or absent."""
        child, service, day, status, arrival, departure = attendance_body(req)
        self._use_case.record_attendance(
            req.context.principal, path_id(child, "Enfant"), service, day, status, arrival, departure)
        lines = self._use_case.roll_call(req.context.principal, day, service)
        resp.media = roll_call_view(day, [line for line in lines if line.child_id == child])


class ClosuresResource(Route[AgentPlanning]):
    """`GET /agent/closures?from=&to=`, `POST` a closure."""

    auth = AGENT

    def __init__(self, agents: AgentPlanning, today: Callable[[], date]) -> None:
        super().__init__(agents)
        self._today = today

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The organisation's closures (by default from today, for a year)."""
        first = query_day(req, "from", required=False) or self._today()
        last = query_day(req, "to", required=False) or first + timedelta(366)
        found = self._use_case.closures(req.context.principal, first, last)
        resp.media = {"closures": [closure_view(c) for c in found]}

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Declare a closure of one service, or of all (`service: null`)."""
        day, service, reason = closure_body(req)
        closure = self._use_case.declare_closure(req.context.principal, day, service, reason)
        created(resp, closure_view(closure))


class EnrolmentsResource(Route[AgentPlanning]):
    """`GET /agent/children/{child_id}/enrolments`, `POST` a new enrolment (inscription)."""

    auth = AGENT

    def on_get(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """The child's enrolments."""
        found = self._use_case.enrolments(req.context.principal, path_id(child_id, "Enfant"))
        resp.media = {"enrolments": [enrolment_view(e) for e in found]}

    def on_post(self, req: falcon.Request, resp: falcon.Response, child_id: str) -> None:
        """Enrol the child in a service from `start` (to `end`)."""
        body, contract = enrolment_body(req)
        enrolment = self._use_case.enrol(req.context.principal, path_id(child_id, "Enfant"), body.service,
                                         body.start, body.end, structure_id=body.structure,
                                         family_number=body.family_number, contract=contract)
        created(resp, enrolment_view(enrolment))


class ClosureResource(Route[AgentPlanning]):
    """`DELETE /agent/closures/{closure_id}`."""

    auth = AGENT

    def on_delete(self, req: falcon.Request, resp: falcon.Response, closure_id: str) -> None:
        """Withdraw a closure."""
        self._use_case.remove_closure(req.context.principal, path_id(closure_id, "Fermeture"))
        resp.status = falcon.HTTP_204


def add_planning_routes(app: falcon.App, portal: Application) -> None:
    """Route the planning of `portal` on `app`."""
    planning, agents = portal.planning, portal.planning_agent

    def today() -> date:
        return portal.clock.now().date()

    child = f"{API}/children/{{child_id}}"
    app.add_route(f"{child}/planning", PlanningResource(planning, today))
    app.add_route(f"{child}/planning/history", HistoryResource(planning))
    app.add_route(f"{API}/planning/legend", LegendResource())
    app.add_route(f"{child}/bookings", ChildBookingsResource(planning, as_agent=False))
    app.add_route(f"{child}/absences", ChildAbsencesResource(planning, as_agent=False))
    app.add_route(f"{API}/bookings", FamilyBookingsResource(planning))
    app.add_route(f"{API}/agent/children/{{child_id}}/bookings", ChildBookingsResource(planning, as_agent=True))
    app.add_route(f"{API}/agent/children/{{child_id}}/absences", ChildAbsencesResource(planning, as_agent=True))
    app.add_route(f"{API}/agent/bookings", AgentBookingsResource(agents))
    app.add_route(f"{API}/agent/bookings/{{booking_id}}/decision", BookingDecisionResource(agents))
    app.add_route(f"{API}/agent/absences/{{absence_id}}/decision", AbsenceDecisionResource(agents))
    app.add_route(f"{API}/agent/headcounts", HeadcountsResource(agents))
    app.add_route(f"{API}/agent/attendance", AttendanceResource(agents))
    app.add_route(f"{API}/agent/children/{{child_id}}/enrolments", EnrolmentsResource(agents))
    app.add_route(f"{API}/agent/closures", ClosuresResource(agents, today))
    app.add_route(f"{API}/agent/closures/{{closure_id}}", ClosureResource(agents))



