"""Record sections, photos and requests round-trip through SQLite and PostgreSQL; decisions are claimed once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from famille.adapters.sqlalchemy.database import make_engine
from famille.adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from famille.kernel.accounts.model import Principal, Role
from famille.kernel.families.request_service import Requests
from famille.kernel.families.requests import Decision, RequestKind, RequestQuery, RequestStatus
from famille.kernel.shared.errors import Conflict
from tests.contract.test_records import change_request, seed_family
from tests.fakes.clock import FakeClock
from tests.fakes.notification import FakeNotifier
from tests.fakes.rules import ShippedRules
from tests.support.samples import NOW

WORKERS = 4


def test_two_agents_deciding_the_same_request_at_once_one_wins_the_other_gets_a_conflict(
    database_url: str, uow_factory: SqlUnitOfWorkFactory
) -> None:
    family, child, account_id = seed_family(uow_factory)
    agent = Principal("agent-id", "agent", Role.AGENT, "saint-martin", None, "session")
    requests = [change_request(family, child, account_id, RequestKind.AUTORISATION_AJOUT,
                         {"id": f"p{n}", "nom": "ROUX", "prenom": f"Jean {n}", "lien": "Voisin(e)",
                          "mobile": "+33601020304"}, minutes=n) for n in range(8)]
    with uow_factory() as uow:
        for request in requests:
            uow.requests.add(request)
        uow.commit()
    engines: list[Engine] = [make_engine(database_url) for _ in range(WORKERS)]
    outcomes: dict[str, list[str]] = {r.id: [] for r in requests}
    errors: list[BaseException] = []
    barrier = threading.Barrier(WORKERS)

    def agent_at_work(number: int) -> None:
        service = Requests(SqlUnitOfWorkFactory(engines[number]), FakeClock(NOW + timedelta(hours=1)),
                           ShippedRules(), FakeNotifier())
        try:
            for request in requests:
                barrier.wait()
                try:
                    service.decide(agent, request.id, Decision(accept=number % 2 == 0, reason=f"motif {number}"))
                    outcomes[request.id].append("won")
                except Conflict:
                    outcomes[request.id].append("conflict")
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=agent_at_work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()

    assert errors == []
    assert all(sorted(o) == ["conflict"] * (WORKERS - 1) + ["won"] for o in outcomes.values()), outcomes
    with uow_factory() as uow:
        decided = uow.requests.find(RequestQuery(family_id=family.id))
        persons = uow.records.child_sections(child.id).autorisations
    assert all(not r.is_pending for r in decided)
    accepted = [r.changes["id"] for r in decided if r.status is RequestStatus.ACCEPTED]
    assert [p.id for p in persons] == accepted  # every accepted addition is there, once, in order


@pytest.mark.parametrize("accept", [True, False])
def test_a_decided_request_cannot_be_decided_again(uow_factory: SqlUnitOfWorkFactory, accept: bool) -> None:
    family, child, account_id = seed_family(uow_factory)
    request = change_request(family, child, account_id, RequestKind.CAF, {"quotient_familial": 650})
    with uow_factory() as uow:
        uow.requests.add(request)
        uow.commit()
    agent = Principal("agent-id", "agent", Role.AGENT, "saint-martin", None, "session")
    service = Requests(uow_factory, FakeClock(NOW), ShippedRules(), FakeNotifier())

    service.decide(agent, request.id, Decision(accept=accept, reason="Pièce manquante"))
    with pytest.raises(Conflict):
        service.decide(agent, request.id, Decision(accept=not accept, reason="Pièce manquante"))
