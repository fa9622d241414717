"""Organisations (commune, RPI, SSI), their structures and their services."""

from __future__ import annotations

import enum
from datetime import time

import attrs


class OrganisationKind(enum.Enum):
    """What kind of body runs the services."""

    COMMUNE = "commune"
    RPI = "rpi"  # regroupement pédagogique intercommunal
    SSI = "ssi"  # syndicat scolaire intercommunal


class StructureKind(enum.Enum):
    """What a structure (établissement) is."""

    CANTINE = "cantine"
    GARDERIE = "garderie"
    CRECHE = "creche"
    ECOLE = "ecole"


@attrs.frozen
class Organisation:
    """A commune, RPI or SSI sharing the portal. `code` is its id and names its rule overrides."""

    code: str
    name: str
    kind: OrganisationKind
    school_zone: str = "A"  # zone de vacances scolaires: A, B or C
    alsace_moselle: bool = False


@attrs.frozen
class Structure:
    """An établissement of an organisation: a school canteen, a garderie, a crèche."""

    id: str
    organisation_code: str
    name: str
    kind: StructureKind
    #: The menus (pratiques alimentaires) a canteen offers; « --Aucun-- » is the normal meal.
    pratiques: tuple[str, ...] = ("--Aucun--",)


@attrs.frozen
class Service:
    """A service a structure offers, e.g. GARDERIE MATIN or RESTAURATION."""

    id: str
    structure_id: str
    code: str
    name: str
    #: The weekdays the service opens, 0 = Monday (a garderie may open on Wednesday too).
    weekdays: tuple[int, ...] = (0, 1, 3, 4)
    #: Opening hours (Europe/Paris), shown in the family's calendar; None when not known.
    opens_at: time | None = None
    closes_at: time | None = None
