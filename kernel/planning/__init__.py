"""Planning: the month grid and its cells, bookings, absences, attendance, closures, headcounts."""

from famille.kernel.planning.agent import AgentPlanning
from famille.kernel.planning.service import Planning

__all__ = ["AgentPlanning", "Planning"]
