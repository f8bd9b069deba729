"""Rule plugins: rule sets that installed distributions offer through entry points.

A distribution offers rules with an entry point in the group ``partnerdomain.rules``
whose object is a :class:`~partnerdomain.rules.RuleSet`, a rule, an iterable of rules,
or a function without arguments that returns one of these. Installing a plugin enables
nothing: :func:`load_plugins` loads only the plugins it is asked for by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import Final

from partnerdomain.exceptions import PluginError, ValidationError
from partnerdomain.rules._decision import PluginInfo
from partnerdomain.rules._rule import Rule
from partnerdomain.rules._ruleset import RuleSet

__all__ = ["ENTRY_POINT_GROUP", "available_plugins", "load_plugins"]

#: The entry-point group rule plugins register in.
ENTRY_POINT_GROUP: Final = "partnerdomain.rules"


def _info(entry_point: EntryPoint) -> PluginInfo:
    dist = entry_point.dist
    if dist is None:
        return PluginInfo(name=entry_point.name, distribution="unknown", version="unknown")
    return PluginInfo(
        name=entry_point.name,
        distribution=dist.metadata["Name"] or dist.name,
        version=dist.version,
    )


def _installed() -> dict[str, list[EntryPoint]]:
    found: dict[str, list[EntryPoint]] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry_point.name, []).append(entry_point)
    return found


def _unique(name: str, candidates: list[EntryPoint]) -> EntryPoint:
    # The same distribution may be seen twice on sys.path (e.g. an editable install).
    by_dist = {(_info(ep).distribution, _info(ep).version): ep for ep in candidates}
    if len(by_dist) > 1:
        offers = ", ".join(f"{d} {v}" for d, v in sorted(by_dist))
        reason = f"is offered by more than one installed distribution ({offers}); uninstall one"
        raise PluginError(name, reason)
    return next(iter(by_dist.values()))


def available_plugins() -> tuple[PluginInfo, ...]:
    """List the installed rule plugins, without loading or enabling any.

    Returns:
        One entry per installed entry point of the group ``partnerdomain.rules``, by name.
    """
    infos = {
        (_info(ep).name, _info(ep).distribution): _info(ep)
        for eps in _installed().values()
        for ep in eps
    }
    return tuple(infos[key] for key in sorted(infos))


def _as_rule_set(name: str, obj: object, info: PluginInfo) -> RuleSet:
    if isinstance(obj, RuleSet):
        return RuleSet(obj, plugin=info)
    if isinstance(obj, Rule):
        return RuleSet([obj], plugin=info)
    if callable(obj):
        factory: Callable[[], object] = obj
        try:
            made = factory()
        except Exception as exc:
            reason = f"its factory {_name(obj)} failed: {type(exc).__name__}: {exc}"
            raise PluginError(name, reason, info.distribution, info.version) from exc
        if callable(made) and not isinstance(made, RuleSet | Rule):
            reason = f"its factory {_name(obj)} returned another callable, {made!r}"
            raise PluginError(name, reason, info.distribution, info.version)
        return _as_rule_set(name, made, info)
    if isinstance(obj, Iterable) and not isinstance(obj, str | bytes):
        try:
            return RuleSet(obj, plugin=info)
        except ValidationError as exc:
            raise PluginError(name, str(exc), info.distribution, info.version) from exc
    reason = (
        f"its entry point gives {obj!r}; expected a RuleSet, a rule, an iterable of rules, "
        "or a function returning one of these"
    )
    raise PluginError(name, reason, info.distribution, info.version)


def _name(obj: object) -> str:
    return getattr(obj, "__qualname__", None) or repr(obj)


def load_plugins(enable: Iterable[str]) -> RuleSet:
    """Load the rule plugins named in ``enable`` and combine their rules.

    Only the plugins named are loaded, however many are installed; each rule remembers
    the plugin (entry-point name, distribution and version) it came from, and
    :attr:`RuleSet.plugins` reports them. The order of ``enable`` and of installation
    does not matter: rules always run in ``(priority, id)`` order.

    Args:
        enable: The entry-point names of the plugins to load (a single name may be given
            as a string).

    Returns:
        One rule set with the rules of every enabled plugin.

    Raises:
        PluginError: Naming the plugin, if one is not installed, cannot be imported,
            fails while building its rules, gives something that is not rules, or has a
            rule id another enabled plugin uses too.
    """
    names: list[object] = [enable] if isinstance(enable, str) else list(enable)
    for name in names:
        if not isinstance(name, str) or not name:
            raise PluginError(str(name), "a plugin is named by its entry-point name (a string)")
    installed = _installed()
    combined = RuleSet()
    for name in sorted({str(n) for n in names}):
        if name not in installed:
            known = ", ".join(sorted(installed)) or "none"
            reason = (
                f"is not installed (no entry point {name!r} in the group {ENTRY_POINT_GROUP!r}; "
                f"installed: {known})"
            )
            raise PluginError(name, reason)
        entry_point = _unique(name, installed[name])
        info = _info(entry_point)
        try:
            obj = entry_point.load()
        except Exception as exc:
            reason = f"cannot be loaded from {entry_point.value!r}: {type(exc).__name__}: {exc}"
            raise PluginError(name, reason, info.distribution, info.version) from exc
        rules = _as_rule_set(name, obj, info)
        try:
            combined |= rules
        except ValidationError as exc:
            reason = f"its rules clash with another enabled plugin's: {exc}"
            raise PluginError(name, reason, info.distribution, info.version) from exc
    return combined
