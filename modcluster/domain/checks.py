"""Cross-reference checks of a catalog and of a request against it.

The pydantic models check each value on its own; these checks look across the
document: duplicate ids, references that do not resolve, cycles in the
taxonomy. Each problem comes back as an :class:`~modcluster.errors.Issue` whose
path names the place, e.g. ``organizations[3].processes[0].capability``.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from modcluster.domain.catalog import POLICY_KINDS, Catalog, Organization, Product, Requires
from modcluster.domain.configuration import NO_PERSON, PERSON_DECISION
from modcluster.domain.request import Request
from modcluster.errors import CrossReferenceError, Issue, RequestError

__all__ = [
    "MAX_LISTED",
    "catalog_issues",
    "catalog_warnings",
    "check_catalog",
    "check_request",
    "find_cycle",
    "known_ids",
    "request_issues",
    "unknown_organization",
]

#: Most ids an error message lists in full; beyond, the closest few and the count.
MAX_LISTED = 20


def known_ids(ids: Sequence[str], wanted: str | None = None, what: str = "products") -> str:
    """What a message says the catalog has, bounded for catalogs of any size.

    Up to :data:`MAX_LISTED` ids are listed; beyond, the few closest to
    ``wanted`` (or the first few) and how many there are.

    A mistyped id gets the closest ones first, whatever the catalog's size.

    >>> known_ids(["a", "b"])
    'the catalog has: a, b'
    >>> known_ids(["piezo-nano-stage", "laser-sensor"], "piezo-nano")
    "did you mean 'piezo-nano-stage'? the catalog has: piezo-nano-stage, laser-sensor"
    >>> known_ids([f"product-{i}" for i in range(10_000)], "product-12x")
    "did you mean 'product-12', 'product-912', 'product-812'? (the catalog has 10,000 products)"
    """
    if not ids:
        return "the catalog has: none"
    close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.6) if wanted else []
    mean = "did you mean " + ", ".join(repr(c) for c in close) + "?" if close else ""
    if len(ids) <= MAX_LISTED:
        return (f"{mean} " if mean else "") + "the catalog has: " + ", ".join(ids)
    if close:
        return f"{mean} (the catalog has {len(ids):,} {what})"
    return f"the catalog has {len(ids):,} {what}: " + ", ".join(ids[:5]) + f" and {len(ids) - 5:,} more"


def unknown_organization(org_id: str, orgs: Iterable[str]) -> str:
    """The message for an organisation id the catalog lacks, with the closest ids when there are some.

    >>> unknown_organization("hachioji-mechatr", ["hachioji-mechatro", "ome-fluidics"])
    "unknown organization 'hachioji-mechatr' (did you mean 'hachioji-mechatro'?)"
    >>> unknown_organization("nobody", ["ome-fluidics"])
    "unknown organization 'nobody'"
    """
    close = difflib.get_close_matches(org_id, list(orgs), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    return f"unknown organization {org_id!r}{hint}"


def _duplicates(ids: Iterable[str], where: str, what: str, unique: set[str] | None = None) -> list[Issue]:
    """Issues for ids met a second time; ``unique``: the set of ``ids``, when the caller has it."""
    ids = list(ids)
    if len(set(ids) if unique is None else unique) == len(ids):
        return []
    seen: dict[str, int] = {}
    issues = []
    for index, ident in enumerate(ids):
        if ident in seen:
            issues.append(Issue(f"{where}[{index}]", f"duplicate {what} {ident!r} (first at {where}[{seen[ident]}])"))
        else:
            seen[ident] = index
    return issues


def find_cycle(parents: dict[str, tuple[str, ...]]) -> list[str] | None:
    """Return one cycle of the child -> parents graph as a list of ids, or None.

    Iterative, so a taxonomy thousands of levels deep is fine.

    >>> find_cycle({"a": ("b",), "b": ("a",)})
    ['a', 'b', 'a']
    >>> find_cycle({"a": ("b",), "b": ()}) is None
    True
    """
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for root in parents:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        state[root] = 1
        while stack:
            node, index = stack[-1]
            nexts = parents.get(node, ())
            if index < len(nexts):
                stack[-1] = (node, index + 1)
                child = nexts[index]
                if state.get(child) == 1:
                    return [*path[path.index(child) :], child]
                if child not in state:
                    state[child] = 1
                    stack.append((child, 0))
                    path.append(child)
            else:
                state[node] = 2
                stack.pop()
                path.pop()
    return None


def _check_requires(require: Requires, where: str) -> list[Issue]:
    issues = []
    for attr, req in require.items():
        if req.min is not None and req.max is not None and req.min > req.max:
            issues.append(
                Issue(f"{where}.require.{attr}", f"min {req.min} is above max {req.max}: nothing can meet it")
            )
    return issues


def _organization_sound(org: Organization, caps: set[str], kinds: set[str]) -> bool:
    """Whether an organisation has nothing :func:`_organization_issues` would report (runs once per organisation)."""
    if org.house_variants and not kinds.issuperset(org.house_variants):
        return False
    processes, modules, seeds = org.processes, org.modules, org.seeds
    if processes:
        if not caps.issuperset([p.capability for p in processes]):
            return False
        if len(processes) > 1 and len({p.offer_id for p in processes}) < len(processes):
            return False
    if modules:
        if len(modules) > 1 and len({m.offer_id for m in modules}) < len(modules):
            return False
        if not all(kinds.issuperset(m.variants) for m in modules if m.variants):
            return False
    if seeds:
        if not caps.issuperset([s.technology for s in seeds]):
            return False
        if len(seeds) > 1 and len({s.id for s in seeds}) < len(seeds):
            return False
    return True


def _organization_issues(oi: int, org: Organization, caps: set[str], kinds: set[str]) -> list[Issue]:
    """Every problem of ``organizations[oi]``: unknown interfaces and capabilities, duplicate offer ids."""
    issues: list[Issue] = []
    base = f"organizations[{oi}]"
    processes, modules, seeds = org.processes, org.modules, org.seeds
    if org.house_variants and not kinds.issuperset(org.house_variants):
        for kind in org.house_variants:
            if kind not in kinds:
                issues.append(Issue(f"{base}.house_variants.{kind}", f"unknown interface {kind!r}"))
    if len(processes) > 1:
        issues += _duplicates([p.offer_id for p in processes], f"{base}.processes", "process offer id")
    if len(modules) > 1:
        issues += _duplicates([m.offer_id for m in modules], f"{base}.modules", "module offer id")
    if len(seeds) > 1:
        issues += _duplicates([s.id for s in seeds], f"{base}.seeds", "seed")
    for pi, proc in enumerate(processes):
        if proc.capability not in caps:
            issues.append(Issue(f"{base}.processes[{pi}].capability", f"unknown capability {proc.capability!r}"))
    for mi, mod in enumerate(modules):
        if mod.variants and not kinds.issuperset(mod.variants):
            for kind in mod.variants:
                if kind not in kinds:
                    issues.append(Issue(f"{base}.modules[{mi}].variants.{kind}", f"unknown interface {kind!r}"))
    for si, seed in enumerate(seeds):
        if seed.technology not in caps:
            issues.append(Issue(f"{base}.seeds[{si}].technology", f"unknown capability {seed.technology!r}"))
    return issues


def catalog_issues(catalog: Catalog) -> list[Issue]:
    """Every cross-reference problem of ``catalog`` (empty when it is sound)."""
    issues: list[Issue] = []
    caps = {c.id for c in catalog.capabilities}
    org_ids = [o.id for o in catalog.organizations]  # one pass over the organisations for both
    orgs = set(org_ids)
    kinds = {i.id for i in catalog.interfaces}

    issues += _duplicates((c.id for c in catalog.capabilities), "capabilities", "capability")
    issues += _duplicates((i.id for i in catalog.interfaces), "interfaces", "interface")
    issues += _duplicates((i.id for i in catalog.intermediaries), "intermediaries", "intermediary")
    issues += _duplicates(org_ids, "organizations", "organization", orgs)
    issues += _duplicates((p.id for p in catalog.products), "products", "product")

    for ci, cap in enumerate(catalog.capabilities):
        for pi, parent in enumerate(cap.parents):
            if parent not in caps:
                issues.append(Issue(f"capabilities[{ci}].parents[{pi}]", f"unknown capability {parent!r}"))
            elif parent == cap.id:
                issues.append(Issue(f"capabilities[{ci}].parents[{pi}]", f"capability {cap.id!r} is its own parent"))
    cycle = find_cycle({c.id: tuple(p for p in c.parents if p in caps and p != c.id) for c in catalog.capabilities})
    if cycle:
        first = next(i for i, c in enumerate(catalog.capabilities) if c.id == cycle[0])
        issues.append(Issue(f"capabilities[{first}].parents", "the taxonomy has a cycle: " + " -> ".join(cycle)))

    for ii, inter in enumerate(catalog.intermediaries):
        for mi, member in enumerate(inter.members):
            if member not in orgs:
                issues.append(Issue(f"intermediaries[{ii}].members[{mi}]", f"unknown organization {member!r}"))
        issues += _duplicates(inter.members, f"intermediaries[{ii}].members", "member")

    for oi, org in enumerate(catalog.organizations):
        if not _organization_sound(org, caps, kinds):  # the detailed pass only names what the quick one found
            issues += _organization_issues(oi, org, caps, kinds)

    ties = [rel.between for rel in catalog.relationships]
    if not orgs.issuperset(itertools.chain.from_iterable(ties)) or any(a == b for a, b in ties):
        for ri, between in enumerate(ties):  # the slow pass, only to name what the quick one found
            for bi, member in enumerate(between):
                if member not in orgs:
                    issues.append(Issue(f"relationships[{ri}].between[{bi}]", f"unknown organization {member!r}"))
            if between[0] == between[1]:
                issues.append(Issue(f"relationships[{ri}].between", "a relationship needs two different organizations"))

    issues += _people_issues(catalog, orgs)
    issues += _policy_issues(catalog)

    for pi, product in enumerate(catalog.products):
        base = f"products[{pi}]"
        if not product.modules:
            issues.append(Issue(f"{base}.modules", "a product needs at least one module"))
        issues += _duplicates((m.id for m in product.modules), f"{base}.modules", "module")
        module_ids = {m.id for m in product.modules}
        for mi, module in enumerate(product.modules):
            if module.make is None:
                continue
            for si, step in enumerate(module.make.steps):
                where = f"{base}.modules[{mi}].make.steps[{si}]"
                if step.capability not in caps:
                    issues.append(Issue(f"{where}.capability", f"unknown capability {step.capability!r}"))
                issues += _check_requires(step.require, where)
            tech = module.make.technology
            if tech is not None:
                where = f"{base}.modules[{mi}].make.technology"
                if tech.capability not in caps:
                    issues.append(Issue(f"{where}.capability", f"unknown capability {tech.capability!r}"))
                issues += _check_requires(tech.require, where)
        issues += _duplicates(
            (f"{sorted(link.between)} {link.interface}" for link in product.links), f"{base}.links", "link"
        )
        for li, link in enumerate(product.links):
            for bi, end in enumerate(link.between):
                if end not in module_ids:
                    issues.append(
                        Issue(f"{base}.links[{li}].between[{bi}]", f"unknown module {end!r} of {product.id!r}")
                    )
            if link.between[0] == link.between[1]:
                issues.append(Issue(f"{base}.links[{li}].between", "a link needs two different modules"))
            if link.interface not in kinds:
                issues.append(Issue(f"{base}.links[{li}].interface", f"unknown interface {link.interface!r}"))
        if product.request is not None:
            for field in ("exclude", "require"):
                for ri, org_id in enumerate(getattr(product.request, field)):
                    if org_id not in orgs:
                        issues.append(Issue(f"{base}.request.{field}[{ri}]", unknown_organization(org_id, orgs)))
            if product.request.hub is not None and product.request.hub not in orgs:
                issues.append(Issue(f"{base}.request.hub", unknown_organization(product.request.hub, orgs)))
    return issues


def _people_issues(catalog: Catalog, orgs: set[str]) -> list[Issue]:
    """Problems of ``people`` (MODEL.md v1.1 "People"): duplicate ids, ``from``, ``families`` and ``via`` unresolved.

    A family must be some product's family or developed by some organisation:
    one that nothing in the catalog names is a typo, not a skill to plan with.
    """
    people = catalog.people or ()
    if not people:
        return []
    issues = _duplicates((p.id for p in people), "people", "person")
    families = {p.family for p in catalog.products} | {f for o in catalog.organizations for f in o.develops}
    intermediaries = {i.id for i in catalog.intermediaries}
    for pi, person in enumerate(people):
        base = f"people[{pi}]"
        if person.id == "none":  # the configurator's value for "nobody placed"
            issues.append(Issue(f"{base}.id", "'none' is reserved: it means nobody placed (use another id)"))
        if person.from_ not in orgs:
            issues.append(Issue(f"{base}.from", f"unknown organization {person.from_!r}"))
        for fi, family in enumerate(person.families):
            if family not in families:
                known = known_ids(sorted(families), family, "families")
                issues.append(Issue(f"{base}.families[{fi}]", f"unknown product family {family!r} ({known})"))
        issues += _duplicates(person.families, f"{base}.families", "family")
        if person.via is not None and person.via not in intermediaries:
            issues.append(Issue(f"{base}.via", f"unknown intermediary {person.via!r}"))
    return issues


def _policy_issues(catalog: Catalog) -> list[Issue]:
    """Problems of ``policies`` (MODEL.md v1.1 "Policies"): duplicate ids, ``members_of``, and shares over 1.

    For every organisation and every kind of cost term, the shares of the
    policies that can cover it must add up to at most 1, so that no term is
    refunded more than it costs; the issue names the policies (once per set of
    policies, with one organisation they meet at).
    """
    policies = catalog.policies or ()
    if not policies:
        return []
    issues = _duplicates((p.id for p in policies), "policies", "policy")
    members = {i.id: set(i.members) for i in catalog.intermediaries}
    for pi, policy in enumerate(policies):
        if policy.members_of is not None and policy.members_of not in members:
            issues.append(Issue(f"policies[{pi}].members_of", f"unknown intermediary {policy.members_of!r}"))
        issues += _duplicates(policy.sites, f"policies[{pi}].sites", "site")
        issues += _duplicates(policy.applies_to, f"policies[{pi}].applies_to", "kind")
    named: set[tuple[str, tuple[int, ...]]] = set()
    for org in catalog.organizations:
        covering = [
            (pi, p)
            for pi, p in enumerate(policies)
            if org.site in p.sites and (p.members_of is None or org.id in members.get(p.members_of, ()))
        ]
        if len(covering) < 2:
            continue
        for kind in POLICY_KINDS:
            over = [(pi, p) for pi, p in covering if kind in p.applies_to]
            if sum((p.share for _, p in over), Decimal(0)) <= 1 or (kind, tuple(pi for pi, _ in over)) in named:
                continue
            named.add((kind, tuple(pi for pi, _ in over)))
            ids = ", ".join(repr(p.id) for _, p in over)
            total = sum((p.share for _, p in over), Decimal(0))
            issues.append(
                Issue(
                    f"policies[{over[-1][0]}].share",
                    f"policies {ids} could together refund {total} of one {kind} term of {org.id!r} "
                    f"(at {org.site}); the shares covering one term must add up to at most 1",
                )
            )
    return issues


def catalog_warnings(catalog: Catalog) -> list[Issue]:
    """What is valid but probably not meant: a policy site where no organisation is.

    >>> cat = Catalog(organizations=[{"id": "a", "site": "Hachioji"}],
    ...               policies=[{"id": "p", "sites": ["Sagamihara"], "share": 0.5}])
    >>> [w.render() for w in catalog_warnings(cat)]
    ["policies[0].sites[0]: no organization is at 'Sagamihara': the policy covers nothing there"]
    """
    sites = {o.site for o in catalog.organizations if o.site is not None}
    return [
        Issue(f"policies[{pi}].sites[{si}]", f"no organization is at {site!r}: the policy covers nothing there")
        for pi, policy in enumerate(catalog.policies or ())
        for si, site in enumerate(policy.sites)
        if site not in sites
    ]


def check_catalog(catalog: Catalog, file: str | None = None) -> Catalog:
    """Raise :class:`CrossReferenceError` listing every problem; return the catalog if sound."""
    issues = catalog_issues(catalog)
    if issues:
        raise CrossReferenceError(issues, file=file)
    return catalog


def request_issues(catalog: Catalog, request: Request) -> list[Issue]:
    """Every reference of ``request`` that the catalog does not resolve."""
    issues = []
    if request.product not in catalog.product_by_id:
        known = known_ids(sorted(catalog.product_by_id), request.product)
        issues.append(Issue("product", f"unknown product {request.product!r} ({known})"))
    orgs = catalog.org_by_id
    for field in ("exclude", "require"):
        for index, org_id in enumerate(getattr(request, field)):
            if org_id not in orgs:
                issues.append(Issue(f"{field}[{index}]", unknown_organization(org_id, orgs)))
    if request.hub is not None and request.hub not in orgs:
        issues.append(Issue("hub", unknown_organization(request.hub, orgs)))
    product = catalog.product_by_id.get(request.product)
    if product is not None:
        entries = [(f"select.{d}", d, v) for d, v in request.select.items()]
        entries += [(f"rule_out.{d}[{i}]", d, v) for d, vs in request.rule_out.items() for i, v in enumerate(vs)]
        for place, decision, value in entries:
            problem = _selection_problem(catalog, product, decision, value)
            if problem is not None:
                issues.append(Issue(place, problem))
    for decision, values in request.rule_out.items():
        for index, value in enumerate(values):
            if request.select.get(decision) == value:
                issues.append(
                    Issue(f"rule_out.{decision}[{index}]", f"rules out {value!r}, the value select.{decision} chooses")
                )
    return issues


def _selection_problem(catalog: Catalog, product: Product, decision: str, value: str) -> str | None:
    """What is wrong with one ``select``/``rule_out`` entry as a reference (eligibility is the solver's to check).

    The decisions are those of MODEL.md v1.1 "Configuration": ``hub``,
    ``modules.<m>.source`` (``make`` or ``buy:<org>``), ``modules.<m>.steps.<n>``
    (an organisation) and ``modules.<m>.seed`` (``<org>/<seed>``); with people
    in the catalog, ``person`` (``none`` or a person's id).
    """
    orgs = catalog.org_by_id
    parts = decision.split(".")
    if decision == "hub":
        return None if value in orgs else f"unknown organization {value!r}"
    if decision == PERSON_DECISION and catalog.people is not None:
        if value == NO_PERSON or value in catalog.person_by_id:
            return None
        return f"unknown person {value!r} ({known_ids([NO_PERSON, *catalog.person_by_id], value, 'people')})"
    module = product.module_by_id.get(parts[1]) if len(parts) >= 3 and parts[0] == "modules" else None
    if module is None:
        names = ["hub", *([PERSON_DECISION] if catalog.people is not None else [])]
        names += [f"modules.{m.id}.source" for m in product.modules]
        return f"no decision {decision!r} for {product.id} ({known_ids(names, decision)})"
    kind = parts[2:]
    if kind == ["source"]:
        if value == "make":
            return None if module.make is not None else f"module {module.id} cannot be made (it has no make)"
        org = value.removeprefix("buy:")
        if not value.startswith("buy:"):
            return f"expected make or buy:<organization>, got {value!r}"
        return None if org in orgs else f"unknown organization {org!r}"
    steps = len(module.make.steps) if module.make is not None else 0
    if len(kind) == 2 and kind[0] == "steps" and kind[1].isdigit() and 1 <= int(kind[1]) <= steps:
        return None if value in orgs else f"unknown organization {value!r}"
    if kind == ["seed"] and module.make is not None and module.make.technology is not None:
        org, _, seed = value.partition("/")
        if org not in orgs:
            return f"unknown organization {org!r} (expected <organization>/<seed>)"
        if seed not in {s.id for s in orgs[org].seeds}:
            return f"{org} has no seed {seed!r}"
        return None
    seeded = module.make is not None and module.make.technology is not None
    return f"no decision {decision!r}: module {module.id} has {steps} step(s){' and a seed' if seeded else ''}"


def check_request(catalog: Catalog, request: Request, file: str | None = None) -> Request:
    """Raise :class:`RequestError` if the request names what the catalog lacks."""
    issues = request_issues(catalog, request)
    if issues:
        raise RequestError(issues, file=file)
    return request
