"""Citations: a page states a vendor's behaviour only by citing its entry in harness/vendors.py."""

from __future__ import annotations

from harness import vendors

from docs_macros.markdown import as_markdown
from docs_macros.registry import BUILD, macro


@macro
def cite(identifier: str, rule: bool = False) -> str:
    """A link to the vendor's page for a documented behaviour; with ``rule``, the rule it states before it."""
    BUILD.show("cited", identifier)
    return render_citation(identifier, rule)


def render_citation(identifier: str, rule: bool = False) -> str:
    try:
        documented = vendors.entry(identifier)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    link = f"[{documented.vendor}: {as_markdown(documented.title)}]({documented.url})"
    return f"{as_markdown(documented.rule)} ({link})" if rule else link
