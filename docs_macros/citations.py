"""Citations: a page states a vendor's behaviour only by citing its entry in harness/vendors.py."""

from __future__ import annotations

import html

from docs_macros.markdown import as_markdown
from docs_macros.registry import BUILD, macro
from harness import vendors


@macro
def cite(identifier: str, rule: bool = False) -> str:
    """A link to the vendor's page for a documented behaviour; with ``rule``, the rule it states before it."""
    BUILD.show("cited", identifier)
    return render_citation(identifier, rule)


def render_citation(identifier: str, rule: bool = False) -> str:
    """The vendor's name as the link, the page's title as its tooltip: the source one click away, the sentence
    left readable (the About page lists every source with its title)."""
    try:
        documented = vendors.entry(identifier)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    title = documented.title.replace('"', "'")
    link = f'[{documented.vendor}]({documented.url} "{documented.vendor}: {html.escape(title)}")'
    return f"{as_markdown(documented.rule)} ({link})" if rule else link
