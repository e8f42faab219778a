"""Rule: a person placed at the hub (MODEL.md v1.1, "People: human-resource matching").

A system places at most one person at its hub. The solver sees a placement
as one more way to be the hub: every (organisation, person) pair that may
lead the product is a hub option of its own (:func:`placements`), with the
person's integration days, bridging, fee (one more cost term, paid by the
hub) and the day before which its integration cannot start
(:func:`integration_ready`). So every rule that reads a hub's figures reads
the placement's, and two systems that differ in the person placed (or
none) are different candidates because their hub options are
(:func:`hub_key`). The person's ``from`` organisation plays no other part.
"""

from __future__ import annotations

from collections.abc import Iterator

from modcluster.domain import Catalog, Organization, OrgKind, Person, Product, Request

__all__ = ["HOSTS", "hub_key", "integration_ready", "placements"]

HOSTS = frozenset({OrgKind.DEVELOPER, OrgKind.PROCESSOR})
"""The kinds of organisation that can host a person (an organisation without ``kind`` hosts none)."""


def placements(catalog: Catalog, request: Request, product: Product, org: Organization) -> Iterator[Person]:
    """The people who may be placed at ``org`` to lead ``product``, in catalog order.

    A person may lead when the product's family is one of theirs, the hub is
    a developer or a processor, and the hub is a member of ``via`` when that
    is set; ``people: false`` in the request places nobody.
    """
    if not request.people or not catalog.people or org.kind not in HOSTS:
        return
    for person in catalog.people:
        if product.family not in person.families:
            continue
        if person.via is not None and not _member(catalog, person.via, org.id):
            continue
        yield person


def _member(catalog: Catalog, intermediary: str, org: str) -> bool:
    return any(i.id == intermediary and org in i.members for i in catalog.intermediaries)


def hub_key(org: str, person: str | None) -> str:
    r"""What tells hub options apart: the organisation, and the person placed there.

    The two are joined by U+001F, a control character no id may hold
    (:func:`~modcluster.domain.values.normal_id`), so no organisation's id
    is ever another option's key.

    >>> hub_key("sagamihara-precision", None), hub_key("sagamihara-precision", "kimura")
    ('sagamihara-precision', 'sagamihara-precision\x1fkimura')
    """
    return org if person is None else f"{org}\x1f{person}"


def integration_ready(modules_ready: int, available_day: int) -> int:
    """The integration's earliest start: every module ready, and the person (if any) available.

    >>> integration_ready(12, 20), integration_ready(30, 20)
    (20, 30)
    """
    return max(modules_ready, available_day)
