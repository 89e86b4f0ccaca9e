"""MkDocs hook: generates the reviewers' part of compliance/kyverno-policies.md.

The single source is the repository: policies/kyverno/*.yaml (annotations
local-plus.io/controls, local-plus.io/remediation-steps and Kyverno's own
policies.kyverno.io/*) and policies/controls.yaml. The page keeps its
hand-written text; what stands between the two marker comments is replaced at
build time by the per-standard control tables and one section per policy,
anchored by the policy's name. The checks are those of
plugins/kyverno-common/src/controls.ts, which the portal's backend runs: a bad
annotation, an unknown control or an invalid severity fails the build.

Enabled in mkdocs.yml with `hooks: [docs/hooks/kyverno_controls.py]`.
`python3 docs/hooks/kyverno_controls.py` checks the files and prints the
generated Markdown without building the site.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:
    from mkdocs.exceptions import PluginError
except ImportError:  # run as a script without mkdocs
    PluginError = RuntimeError  # type: ignore[misc,assignment]

log = logging.getLogger("mkdocs.hooks.kyverno_controls")

PAGE = "compliance/kyverno-policies.md"
POLICY_DIR = "policies/kyverno"
CATALOGUE = "policies/controls.yaml"
MARKER_START = "<!-- kyverno-controls:start -->"
MARKER_END = "<!-- kyverno-controls:end -->"

CONTROLS_ANNOTATION = "local-plus.io/controls"
REMEDIATION_ANNOTATION = "local-plus.io/remediation"
STEPS_ANNOTATION = "local-plus.io/remediation-steps"
SEVERITIES = ("critical", "high", "medium", "low", "info")
POLICY_KINDS = ("ClusterPolicy", "Policy", "ValidatingPolicy", "ImageValidatingPolicy", "MutatingPolicy")

# Same patterns as controls.ts.
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,31}$")
CONTROL_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9.\-]*)\s*:\s*([A-Za-z0-9][A-Za-z0-9.\-]*)$")


class ControlsError(PluginError):
    """A policy or the catalogue is not consistent: the build stops."""


@dataclass
class Policy:
    name: str
    source: str
    annotations: dict
    spec: dict
    controls: list = field(default_factory=list)

    def ann(self, key: str) -> str | None:
        value = self.annotations.get(key)
        return value.strip() if isinstance(value, str) else None

    @property
    def severity(self) -> str | None:
        value = self.ann("policies.kyverno.io/severity")
        return value.lower() if value else None


# ---------------------------------------------------------------- reading


def load_catalogue(root: Path) -> list:
    path = root / CATALOGUE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ControlsError(f"{CATALOGUE}: cannot be read: {e}") from e

    def fail(where: str, why: str):
        raise ControlsError(f"{CATALOGUE}: {where}: {why}")

    def check_keys(obj, allowed, where):
        if not isinstance(obj, dict):
            fail(where, "expected a mapping")
        extra = sorted(set(obj) - set(allowed))
        if extra:
            fail(where, f"unknown key(s) {', '.join(map(str, extra))}")

    def check_id(value, where):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            fail(where, "id must be text")
        text = str(value)
        if not ID_RE.match(text):
            fail(where, f"id '{text}': letters, digits, dots and dashes")
        return text

    def check_title(value, limit, where):
        if not isinstance(value, str) or not 1 <= len(value) <= limit:
            fail(where, f"title must be text of 1 to {limit} characters")
        return value

    check_keys(data, ["standards"], "document")
    standards = data.get("standards")
    if not isinstance(standards, list) or not standards:
        fail("standards", "at least one standard is required")
    out = []
    for i, s in enumerate(standards):
        where = f"standards[{i}]"
        check_keys(s, ["id", "title", "controls"], where)
        if not isinstance(s.get("id"), str):
            fail(where, "id must be text")
        sid = check_id(s.get("id"), where)
        title = check_title(s.get("title"), 200, where)
        controls = s.get("controls")
        if not isinstance(controls, list) or not controls:
            fail(f"{where} ({sid})", "at least one control is required")
        cs = []
        for j, c in enumerate(controls):
            cwhere = f"{where}.controls[{j}]"
            check_keys(c, ["id", "title"], cwhere)
            cs.append({"id": check_id(c.get("id"), cwhere), "title": check_title(c.get("title"), 300, cwhere)})
        out.append({"id": sid, "title": title, "controls": cs})
    seen = set()
    for s in out:
        for c in s["controls"]:
            key = f"{s['id']}:{c['id']}"
            if key in seen:
                raise ControlsError(f"{CATALOGUE}: control {key} is listed twice")
            seen.add(key)
    return out


def parse_control_list(value: str) -> list:
    out = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        m = CONTROL_RE.match(part)
        if not m:
            raise ValueError(f"'{part}' is not <standard>:<control id> (for example PCI-DSS:2.2.5)")
        out.append(f"{m.group(1)}:{m.group(2)}")
    return out


def load_policies(root: Path) -> list:
    policies = []
    files = sorted((root / POLICY_DIR).glob("*.yaml"))
    if not files:
        raise ControlsError(f"{POLICY_DIR}: no policy files found under {root}")
    for path in files:
        source = f"{POLICY_DIR}/{path.name}"
        try:
            docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except yaml.YAMLError as e:
            raise ControlsError(f"{source}: not valid YAML: {e}") from e
        for doc in docs:
            if doc is None:
                continue
            meta = doc.get("metadata") if isinstance(doc, dict) else None
            api = doc.get("apiVersion") if isinstance(doc, dict) else None
            if (
                not isinstance(api, str)
                or not api.startswith("kyverno.io/")
                or doc.get("kind") not in POLICY_KINDS
                or not isinstance(meta, dict)
                or not isinstance(meta.get("name"), str)
                or not 1 <= len(meta["name"]) <= 253
            ):
                raise ControlsError(f"{source}: not a Kyverno policy (apiVersion kyverno.io/*, a policy kind and metadata.name are required)")
            name = meta["name"]
            annotations = meta.get("annotations") or {}
            if not isinstance(annotations, dict) or not all(isinstance(v, str) for v in annotations.values()):
                raise ControlsError(f"{source}: policy {name}: annotations must be text values")
            policy = Policy(name=name, source=source, annotations=annotations, spec=doc.get("spec") or {})
            try:
                policy.controls = parse_control_list(annotations.get(CONTROLS_ANNOTATION, ""))
            except ValueError as e:
                raise ControlsError(f"{source}: policy {name}: annotation {CONTROLS_ANNOTATION}: {e}") from e
            if policy.severity and policy.severity not in SEVERITIES:
                raise ControlsError(
                    f"{source}: policy {name}: policies.kyverno.io/severity '{policy.severity}' is not one of {', '.join(SEVERITIES)}"
                )
            policies.append(policy)
    return policies


def check(catalogue: list, policies: list) -> list:
    """Problems that stop the build (as catalogueProblems in controls.ts)."""
    known = {f"{s['id']}:{c['id']}" for s in catalogue for c in s["controls"]}
    problems, names = [], {}
    for p in policies:
        if p.name in names:
            problems.append(f"policy {p.name} is defined twice ({names[p.name]}, {p.source})")
        names[p.name] = p.source
        for c in p.controls:
            if c not in known:
                problems.append(f"{p.source}: policy {p.name} names control {c}, which {CATALOGUE} does not list")
    return problems


def warnings_for(policies: list) -> list:
    """Gaps that fail a --strict build (mkdocs warnings) but not a plain one."""
    out = []
    for p in policies:
        for key in ("policies.kyverno.io/title", "policies.kyverno.io/category", "policies.kyverno.io/severity", "policies.kyverno.io/description", STEPS_ANNOTATION):
            if not p.ann(key):
                out.append(f"{p.source}: policy {p.name} has no {key} annotation")
        if not p.controls:
            out.append(f"{p.source}: policy {p.name} names no control in {CONTROLS_ANNOTATION}")
    return out


# ---------------------------------------------------------------- rendering


def text(value) -> str:
    """Plain text for Markdown: no emphasis, links, HTML or attribute lists."""
    s = " ".join(str(value).split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]{}|#])", r"\\\1", s)


def code(value) -> str:
    s = str(value)
    return f"``{s}``" if "`" in s else f"`{s}`"


def scalar(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def policy_link(p: Policy) -> str:
    return f"[{p.name}](#{p.name})"


def rule_kinds(rule: dict) -> str:
    parts = []
    match = rule.get("match") or {}
    blocks = (match.get("any") or []) + (match.get("all") or [])
    if "resources" in match:
        blocks.append({"resources": match["resources"]})
    for block in blocks:
        res = (block or {}).get("resources") or {}
        kinds = ", ".join(res.get("kinds") or [])
        extra = []
        if res.get("names"):
            extra.append("named " + ", ".join(code(n) for n in res["names"]))
        if res.get("namespaces"):
            extra.append("in " + ", ".join(code(n) for n in res["namespaces"]))
        parts.append(text(kinds) + (f" ({'; '.join(extra)})" if extra else ""))
    exclude = rule.get("exclude") or {}
    for block in (exclude.get("any") or []) + (exclude.get("all") or []):
        res = (block or {}).get("resources") or {}
        if res.get("namespaces"):
            parts.append("except in " + ", ".join(code(n) for n in res["namespaces"]))
        elif res.get("names"):
            parts.append("except " + ", ".join(code(n) for n in res["names"]))
    return "; ".join(p for p in parts if p) or "all matched resources"


def rule_check(rule: dict) -> str:
    if "validate" in rule:
        message = (rule["validate"] or {}).get("message")
        return "Validates: " + (text(message) if message else "see the policy file")
    if "verifyImages" in rule:
        refs = [r for v in rule["verifyImages"] or [] for r in (v.get("imageReferences") or [])]
        return "Verifies the image signature of " + (", ".join(code(r) for r in refs) or "every image")
    if "mutate" in rule:
        mutate = rule["mutate"] or {}
        patch = mutate.get("patchStrategicMerge")
        targets = [f"{t.get('kind', 'resource')} {code(t['name'])}" if t.get("name") else t.get("kind", "resource") for t in mutate.get("targets") or []]
        target = f" the existing {', '.join(targets)} of each match" if targets else ""
        if isinstance(patch, dict):
            flat = ", ".join(code(f"{k}: {scalar(v)}") for k, v in patch.items() if not isinstance(v, (dict, list)))
            if flat:
                return f"Mutates{target}: sets {flat}"
        return f"Mutates{target}"
    if "generate" in rule:
        return "Generates a resource"
    return "See the policy file"


def mode(p: Policy) -> str:
    rules = p.spec.get("rules") or []
    if rules and all("mutate" in r and "validate" not in r and "verifyImages" not in r for r in rules):
        return "Mutate (changes resources, never blocks them)"
    action = p.spec.get("validationFailureAction") or "Audit"
    overrides = p.spec.get("validationFailureActionOverrides") or []
    out = text(action)
    for o in overrides:
        ns = ", ".join(code(n) for n in o.get("namespaces") or [])
        if ns and o.get("action"):
            out += f"; {text(o['action'])} in {ns}"
    return out


def remediation_link(p: Policy, page_url: str) -> str | None:
    target = p.ann(REMEDIATION_ANNOTATION)
    if not target or target.rstrip("/") == f"compliance/kyverno-policies/#{p.name}".rstrip("/"):
        return None
    up = "../" * page_url.count("/")
    return f"[{text(target)}]({up}{target.lstrip('/')})"


def render(catalogue: list, policies: list, page_url: str = "compliance/kyverno-policies/") -> str:
    by_control: dict = {}
    for p in policies:
        for c in p.controls:
            by_control.setdefault(c, []).append(p)
    total = sum(len(s["controls"]) for s in catalogue)
    unenforced = [f"{s['id']}:{c['id']}" for s in catalogue for c in s["controls"] if not by_control.get(f"{s['id']}:{c['id']}")]

    out = [
        "## Controls and the policies that evidence them",
        "",
        f"Generated at build time from `{CATALOGUE}` ({total} controls) and the "
        f"`{CONTROLS_ANNOTATION}` annotation of the {len(policies)} policies in `{POLICY_DIR}/`, "
        "the same files the portal's Kyverno plugin reads. Edit those files, not this section.",
        "",
    ]
    if unenforced:
        noun = "control" if len(unenforced) == 1 else "controls"
        out += [
            f"**{len(unenforced)} {noun} without an enforcing policy:** "
            + ", ".join(code(c) for c in unenforced)
            + ". No Kyverno policy evidences them; their evidence is the policy documents and tests "
            "listed in the [compliance index](index.md).",
            "",
        ]
    for s in catalogue:
        out += [f"### {text(s['title'])} {{#controls-{s['id'].lower().replace('.', '-')}}}", ""]
        out += ["| Control | Title | Enforcing policies |", "| --- | --- | --- |"]
        for c in s["controls"]:
            key = f"{s['id']}:{c['id']}"
            ps = by_control.get(key, [])
            cell = ", ".join(policy_link(p) for p in ps) if ps else "**None: control without an enforcing policy**"
            out.append(f"| {code(key)} | {text(c['title'])} | {cell} |")
        out.append("")

    titles = {f"{s['id']}:{c['id']}": c["title"] for s in catalogue for c in s["controls"]}
    for p in sorted(policies, key=lambda x: x.name):
        title = p.ann("policies.kyverno.io/title") or p.name
        out += [f"## {text(title)} {{#{p.name}}}", ""]
        out += [
            f"- **Policy:** {code(p.name)}, file {code(p.source)}",
            f"- **Severity:** {text(p.severity or 'not set')}",
            f"- **Category:** {text(p.ann('policies.kyverno.io/category') or 'not set')}",
            f"- **Mode:** {mode(p)}",
            "",
        ]
        description = p.ann("policies.kyverno.io/description")
        if description:
            out += [text(description), ""]
        out += ["**Controls.**", ""]
        out += [f"- {code(c)}: {text(titles.get(c, ''))}" for c in p.controls] or ["- none"]
        out.append("")
        rules = p.spec.get("rules") or []
        out += ["**Rules.**", "", "| Rule | Applies to | What it does |", "| --- | --- | --- |"]
        for r in rules:
            out.append(f"| {code(r.get('name', '?'))} | {rule_kinds(r)} | {rule_check(r)} |")
        if mode(p).startswith("Mutate"):
            report = "A mutation leaves no failed result in policy reports; its outcome is checked directly."
        else:
            report = (
                f"In a policy report a failure reads `policy: {p.name}`, the rule's name and "
                f"`severity: {p.severity or 'unset'}`."
            )
        out += ["", report, ""]
        steps = p.ann(STEPS_ANNOTATION)
        out += ["**How to fix.**", ""]
        out += [steps if steps else "Not written yet.", ""]
        link = remediation_link(p, page_url)
        if link:
            out += [f"More: {link}", ""]
    return "\n".join(out)


# ---------------------------------------------------------------- mkdocs


def _root(config) -> Path:
    return Path(config["config_file_path"]).resolve().parent


def build(root: Path, page_url: str = "compliance/kyverno-policies/") -> tuple:
    catalogue = load_catalogue(root)
    policies = load_policies(root)
    problems = check(catalogue, policies)
    if problems:
        raise ControlsError("Kyverno controls are inconsistent:\n  " + "\n  ".join(problems))
    return render(catalogue, policies, page_url), warnings_for(policies)


def on_config(config):
    # `mkdocs serve` rebuilds when a policy or the catalogue changes.
    policy_dir = str(_root(config) / POLICY_DIR)
    if policy_dir not in config["watch"]:
        config["watch"].append(policy_dir)
    return config


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != PAGE:
        return markdown
    start, end = markdown.find(MARKER_START), markdown.find(MARKER_END)
    if start < 0 or end < start:
        raise ControlsError(f"{PAGE}: the markers {MARKER_START} and {MARKER_END} are missing")
    generated, warnings = build(_root(config), page.url)
    for w in warnings:
        log.warning(w)
    return markdown[:start] + generated + markdown[end + len(MARKER_END):]


if __name__ == "__main__":
    repo = Path(__file__).resolve().parents[2]
    try:
        md, warns = build(repo)
    except ControlsError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
    for w in warns:
        print(f"warning: {w}", file=sys.stderr)
    print(md)
    sys.exit(1 if warns else 0)
