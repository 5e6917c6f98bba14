"""The About pages' tables, generated from the harness's own data so they can't drift from what it does."""

from __future__ import annotations

import json

from harness import fidelity, images, recipes, topology, vendors
from harness.logs import REWRITES
from harness.topology import ROLES
from preflight import models

from docs_macros.markdown import as_markdown
from docs_macros.registry import BUILD, macro


@macro
def execution_models() -> str:
    BUILD.show("fidelity", "models")
    rows = [f"| `{m.name}`{' (the logs on the guide’s pages)' if m is models.DEFAULT else ''} | {m.basis} |"
            for m in models.MODELS]
    return "\n".join(["| Model | Why it is plausible |", "|---|---|", *rows])


@macro
def image_environments() -> str:
    BUILD.show("fidelity", "images")
    blocks = []
    for image in images.IMAGES:
        what, where = image.source
        rows = [f"| `{name}` | `{value}` |" for name, value in image.environment.items()]
        blocks.append("\n".join([f"**`{image.name}`**, from [{what}]({where}):", "", "| Variable | Value |",
                                 "|---|---|", *rows]))
    return "\n\n".join(blocks)


@macro
def deviations() -> str:
    BUILD.show("fidelity", "deviations")
    items = []
    for d in fidelity.DEVIATIONS:
        added = f" Adds {', '.join(f'`{v}`' for v in d.variables)}." if d.variables else ""
        where = " (uv's images only)" if d.uv_images_only else " (pip matrix only)" if d.pip_matrix_only else ""
        items.append(f"- **{d.name}**{where}: {d.what} *Why:* {d.why}{added} *In the logs:* {d.shows}")
    return "\n".join(items)


@macro
def log_rewrites() -> str:
    BUILD.show("fidelity", "rewrites")
    return "\n".join(f"- **{r.name}**: {r.what}" for r in REWRITES)


@macro
def vendor_registry() -> str:
    BUILD.show("fidelity", "registry")
    followed = {i: [] for i in vendors.REGISTRY}
    for host in topology.HOSTS:
        for repo in host.repositories:
            for identifier in repo.follows:
                followed[identifier].append(f"{host.shown_as.split('//')[1]}{repo.path or '/'}")
    rows = [
        f"| {d.vendor} | {as_markdown(d.rule)} | [{as_markdown(d.title)}]({d.url}) | "
        f"{'<br>'.join(sorted(set(followed[d.id]))) if d.emulated else 'stated, not emulated'} |"
        for d in vendors.REGISTRY.values()
    ]
    return "\n".join(["| Vendor | What the documentation says | Source | Stand-ins that behave so |",
                      "|---|---|---|---|", *rows])


@macro
def not_emulated() -> str:
    BUILD.show("fidelity", "not-emulated")
    return "\n".join(f"- {item}" for item in fidelity.NOT_EMULATED)


@macro
def roles_table() -> str:
    rows = [f"| `{role.name}` | {role.description} |" for role in ROLES.values()]
    return "\n".join(["| Role | The value a scenario gets |", "|---|---|", *rows])


@macro
def scenario_keys() -> str:
    """Every key of a scenario file, from the JSON Schema the models generate (harness/scenarios.schema.json)."""
    schema = json.loads(recipes.schema_text())
    definitions = schema["$defs"]
    rows = []

    def walk(properties: dict, prefix: str) -> None:
        for key, spec in properties.items():
            target = spec.get("$ref") or (spec.get("additionalProperties") or {}).get("$ref") or ""
            rows.append(f"| `{prefix}{key}` | {as_markdown(spec.get('description', ''))} |")
            name = target.rsplit("/", 1)[-1]
            if name in ("Scenario", "Expect"):
                walk(definitions[name]["properties"], f"{prefix}{key}.{'<name>.' if name == 'Scenario' else ''}")

    walk(schema["properties"], "")
    return "\n".join(["| Key | What it is |", "|---|---|", *rows])
