"""The documentation stays true to the code.

- every command and subcommand has its page under docs/commands/, and every option,
  short flag, argument and default is on it;
- every exit code and every diagnostic code the source can emit is in docs/errors.md
  (collected from the source, so a new code without docs fails here), and nothing
  stale is listed there;
- every relative link (and #anchor) in README.md and docs/ resolves; every module path
  the docs name exists;
- the README's `salesmkt …` examples run with the exit code the README states, and the
  output excerpts shown appear in the real output;
- the README stays under 20 KB.
"""

from __future__ import annotations

import ast
import importlib
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from support.paths import ROOT
from typer.testing import CliRunner

from salesmkt.cli import app

README = ROOT / "README.md"
DOCS = ROOT / "docs"
COMMAND_DOCS = DOCS / "commands"
ERRORS = DOCS / "errors.md"
SOURCE = ROOT / "salesmkt"
MARKDOWN = [README, *sorted(DOCS.rglob("*.md"))]

# Exit codes that come from the command-line framework rather than from salesmkt's own
# code: 0 on success and --help, 1 when typer aborts (EOF at a prompt), 2 for every
# usage error typer finds itself, 130 when typer catches Ctrl-C.
FRAMEWORK_EXIT_CODES = {0, 1, 2, 130}

# How wide the terminal is when the README's examples run (the README says so too).
COLUMNS = "132"

runner = CliRunner()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _without_code_blocks(text: str) -> str:
    return re.sub(r"^```.*?^```[ \t]*$", "", text, flags=re.MULTILINE | re.DOTALL)


def _sections(text: str) -> dict[str, str]:
    """Heading text (any level) → the text up to the next heading of any level."""
    out: dict[str, str] = {}
    parts = re.split(r"^(#{1,6} .*)$", _without_code_blocks(text), flags=re.MULTILINE)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        out[heading.lstrip("#").strip()] = body
    return out


def _table_rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row, header and separator rows left out."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("|") or re.fullmatch(r"\|[\s|:-]+\|", line):
            continue
        cells = re.split(r"(?<!\\)\|", line.strip("|"))
        rows.append([c.strip() for c in cells])
    return rows


# -- commands, options and arguments ----------------------------------------------------


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _walk(sub, (*path, name))


ROOT_COMMAND = typer.main.get_command(app)
ALL_COMMANDS = list(_walk(ROOT_COMMAND))


def _page(path: tuple[str, ...]) -> Path:
    """The root's options live on the commands index; a subcommand on its group's page."""
    return COMMAND_DOCS / (f"{path[0]}.md" if path else "index.md")


def _flag_pattern(flag: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(flag)}(?![\w-])")


def _default_text(value: Any) -> str | None:
    """How a default is written in the docs, or None when there is nothing to show."""
    value = getattr(value, "value", value)  # enum members
    if value is None or value is False or value == "" or value == []:
        return None
    return str(value)


@pytest.mark.parametrize(
    ("path", "command"), ALL_COMMANDS, ids=[" ".join(p) or "salesmkt" for p, _ in ALL_COMMANDS]
)
def test_every_command_option_and_argument_is_documented(
    path: tuple[str, ...], command: Any
) -> None:
    page = _page(path)
    assert page.is_file(), f"`salesmkt {' '.join(path)}` has no page {page.relative_to(ROOT)}"
    text = _read(page)
    where = page.relative_to(ROOT)
    if path:
        assert f"salesmkt {' '.join(path)}" in text, f"{where} never names the command"
    if len(path) == 1:
        headings = _sections(text)
        for needed in ("Exit codes", "Examples"):
            assert needed in headings, f"{where} has no '## {needed}' section"
    rows = _table_rows(text)
    for param in command.params:
        if param.param_type_name == "argument":
            name = param.name.upper()
            assert re.search(rf"\b{name}\b", text), f"{where}: argument {name} is not mentioned"
            keys = [name]
        else:
            keys = [*param.opts, *param.secondary_opts]
            for flag in keys:
                assert _flag_pattern(flag).search(text), f"{where}: {flag} is not mentioned"
        # The option's own table row states its default (or that it is required).
        long_keys = [k for k in keys if k.startswith("--")] or keys
        own = [r for r in rows if any(_flag_pattern(k).search(r[0]) for k in long_keys)]
        shown = _default_text(param.default)
        if param.required or shown is not None:
            assert own, f"{where}: no table row for {long_keys[0]} to give its default"
            expected = "required" if param.required else shown
            assert any(expected in " | ".join(r[1:]) for r in own), (
                f"{where}: the row for {long_keys[0]} does not say {expected!r}"
            )


def test_no_page_for_a_command_that_does_not_exist() -> None:
    names = {path[0] for path, _ in ALL_COMMANDS if path}
    pages = {p.stem for p in COMMAND_DOCS.glob("*.md")} - {"index"}
    assert pages == names


def test_docs_index_links_every_page() -> None:
    index = _read(DOCS / "index.md")
    for page in sorted(DOCS.rglob("*.md")):
        if page != DOCS / "index.md":
            target = page.relative_to(DOCS).as_posix()
            assert f"]({target})" in index, f"docs/index.md does not link {target}"


# -- exit codes and diagnostic codes, collected from the source -------------------------

TREES = {p: ast.parse(_read(p), str(p)) for p in sorted(SOURCE.rglob("*.py"))}


def _int(node: ast.AST | None) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _source_exit_codes() -> set[int]:
    codes: set[int] = set()
    for tree in TREES.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) == "Exit":
                arg = node.args[0] if node.args else None
                for kw in node.keywords:
                    if kw.arg == "code":
                        arg = kw.value
                if isinstance(arg, ast.Attribute) and arg.attr == "exit_code":
                    continue  # an exception's exit_code: the class attributes are collected
                codes.add(0 if arg is None else _int(arg) if _int(arg) is not None else -1)
            elif isinstance(node, ast.Call) and ast.unparse(node.func) == "sys.exit":
                codes.add(_int(node.args[0]) if node.args and _int(node.args[0]) else -1)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "exit_code" for t in targets):
                    value = _int(node.value)
                    codes.add(-1 if value is None else value)
    return codes


@dataclass(frozen=True)
class Emitted:
    code: str
    level: str  # "error", "warning", or "" when the call does not say
    where: str


Signature = tuple[int, int | None]  # positions of the ``code`` and ``level`` parameters


def _code_signatures() -> tuple[dict[str, Signature], dict[tuple[Path, str], Signature]]:
    """Callables that take a ``code`` positionally, so ``Problem(path, "x", msg)`` and
    ``ctx.add(path, "x", msg)`` are found.

    Classes (dataclass fields in order, or ``__init__``) and module functions by name;
    methods by (file, name), as a method is only called as ``obj.name(…)`` and another
    module's ``add`` may mean something else.
    """
    named: dict[str, Signature] = {}
    methods: dict[tuple[Path, str], Signature] = {}

    def signature(params: list[str]) -> Signature | None:
        if "code" not in params:
            return None
        return params.index("code"), params.index("level") if "level" in params else None

    for path, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                if any("dataclass" in ast.unparse(d) for d in node.decorator_list):
                    fields = [
                        s.target.id
                        for s in node.body
                        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                    ]
                    if found := signature(fields):
                        named[node.name] = found
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        params = [a.arg for a in item.args.posonlyargs + item.args.args][1:]
                        if (found := signature(params)) is None:
                            continue
                        if item.name == "__init__":
                            named[node.name] = found
                        else:
                            methods[(path, item.name)] = found
            elif isinstance(node, ast.Module):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        params = [a.arg for a in item.args.posonlyargs + item.args.args]
                        if found := signature(params):
                            named[item.name] = found
    return named, methods


def _source_diagnostic_codes() -> list[Emitted]:
    """Every code string the package can put into a diagnostic, error or warning."""
    named, methods = _code_signatures()
    out: list[Emitted] = []
    for path, tree in TREES.items():
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            where = f"{rel}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                keywords = {kw.arg: kw.value for kw in node.keywords}
                level = _str(keywords.get("level")) or ""
                code = _str(keywords.get("code"))
                if isinstance(node.func, ast.Attribute):
                    index = methods.get((path, node.func.attr))
                else:
                    index = named.get(_callee(node))
                if code is None and index is not None and len(node.args) > index[0]:
                    code = _str(node.args[index[0]])
                    if index[1] is not None and len(node.args) > index[1]:
                        level = _str(node.args[index[1]]) or level
                if code is not None:
                    out.append(Emitted(code, level, where))
            elif isinstance(node, ast.FunctionDef):
                args = node.args
                for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                    if arg.arg == "code" and _str(default):
                        out.append(Emitted(str(_str(default)), "", where))
                positional = args.posonlyargs + args.args
                with_defaults = positional[len(positional) - len(args.defaults) :]
                for arg, default in zip(with_defaults, args.defaults, strict=True):
                    if arg.arg == "code" and _str(default):
                        out.append(Emitted(str(_str(default)), "", where))
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == "code" and _str(node.value):
                        out.append(Emitted(str(_str(node.value)), "", where))
                    if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        for t, v in zip(target.elts, node.value.elts, strict=False):
                            if isinstance(t, ast.Name) and t.id == "code" and _str(v):
                                out.append(Emitted(str(_str(v)), "", where))
    return out


EMITTED = _source_diagnostic_codes()
ERRORS_TEXT = _read(ERRORS)
ERRORS_SECTIONS = _sections(ERRORS_TEXT)
CODE_SECTIONS = (
    "validate codes (questionnaires and YAML)",
    "Rules-file problem codes",
    "Data-quality warning codes",
    "Translation-file codes",
)


def _documented_codes() -> dict[str, list[str]]:
    """code → the rest of its table row, from the code tables of docs/errors.md."""
    rows: dict[str, list[str]] = {}
    for section in CODE_SECTIONS:
        assert section in ERRORS_SECTIONS, f"docs/errors.md lost its section {section!r}"
        for cells in _table_rows(ERRORS_SECTIONS[section]):
            for code in re.findall(r"`([^`]+)`", cells[0]):
                assert code not in rows, f"{code} is documented twice in docs/errors.md"
                rows[code] = cells[1:]
    return rows


def test_the_code_collector_finds_codes_of_every_kind() -> None:
    # A guard for the collector itself: one code from each way the source emits them.
    found = {e.code for e in EMITTED}
    for code in ("yaml-syntax", "yaml-alias", "schema-invalid", "stage-gap"):
        assert code in found
    for code in ("rule-contradiction", "empty-dimension", "straight-lining", "encoding"):
        assert code in found
    assert {e.level for e in EMITTED if e.code == "empty-dimension"} == {"warning"}


def test_every_diagnostic_code_is_documented_in_errors() -> None:
    documented = _documented_codes()
    missing = sorted({f"{e.code} ({e.where})" for e in EMITTED if e.code not in documented})
    assert not missing, f"codes the source emits but docs/errors.md does not list: {missing}"
    stale = sorted(set(documented) - {e.code for e in EMITTED})
    assert not stale, f"docs/errors.md lists codes the source never emits: {stale}"


def test_documented_levels_match_the_source() -> None:
    documented = _documented_codes()
    for emitted in EMITTED:
        row = documented.get(emitted.code)  # a missing code fails the test above
        if row and row[0] in ("error", "warning"):
            level = emitted.level or "error"
            assert row[0] == level, f"{emitted.code} is a {level} ({emitted.where})"


def test_no_kebab_case_code_escapes_the_collector() -> None:
    """A code added in a new way (not code=, not Problem/add) would be missed: catch it.

    Every kebab-case string constant in salesmkt/definitions/ is a collected code or one
    of the few ids that are not codes.
    """
    not_codes = {
        "need-to-align",
        "integration-checklist",
        "buying-funnel",
        "moving-up",
        "crm-mapping",
        "questionnaire-translation",
        "rules-translation",
    }
    collected = {e.code for e in EMITTED}
    strays = set()
    for path, tree in TREES.items():
        if path.parent.name != "definitions":
            continue
        for node in ast.walk(tree):
            value = _str(node)
            if value and re.fullmatch(r"[a-z]+(?:-[a-z]+)+", value):
                strays.add(value)
    assert strays - collected - not_codes == set()


def test_every_exit_code_is_documented_in_errors() -> None:
    in_source = _source_exit_codes()
    assert -1 not in in_source, "an exit code that is not a literal: document it by hand"
    possible = in_source | FRAMEWORK_EXIT_CODES
    table = ERRORS_SECTIONS["Exit codes"]
    documented = {int(cells[0]) for cells in _table_rows(table) if cells[0].isdigit()}
    assert documented == possible


def test_every_command_has_its_exit_codes_in_errors() -> None:
    rows = _table_rows(ERRORS_SECTIONS["Exit codes by command"])
    listed = {cell.strip("`") for cell, *_ in rows}
    for path, _ in ALL_COMMANDS:
        if len(path) == 1:
            assert path[0] in listed, f"docs/errors.md: no exit-code row for {path[0]}"


# -- links and names --------------------------------------------------------------------


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.*)$", _without_code_blocks(_read(path)), re.M):
        slug = _slug(heading)
        anchors.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def _links(path: Path) -> list[str]:
    text = re.sub(r"`[^`\n]*`", "", _without_code_blocks(_read(path)))
    return re.findall(r"!?\[[^\]]*\]\(([^)\s]+)\)", text)


@pytest.mark.parametrize("page", MARKDOWN, ids=[str(p.relative_to(ROOT)) for p in MARKDOWN])
def test_relative_links_resolve(page: Path) -> None:
    for link in _links(page):
        if re.match(r"[a-z]+:", link):
            continue  # https:, mailto:
        target, _, anchor = link.partition("#")
        resolved = (page.parent / target).resolve() if target else page
        assert resolved.is_relative_to(ROOT), f"{page.name}: {link} leaves the repository"
        assert resolved.exists(), f"{page.relative_to(ROOT)}: broken link {link}"
        if anchor and resolved.suffix == ".md":
            assert anchor in _anchors(resolved), f"{page.relative_to(ROOT)}: no anchor {link}"


@pytest.mark.parametrize("page", MARKDOWN, ids=[str(p.relative_to(ROOT)) for p in MARKDOWN])
def test_named_modules_and_files_exist(page: Path) -> None:
    text = _read(page)
    for name in re.findall(r"\b((?:salesmkt|tests|benchmarks)/[\w./]*[\w/])(?![\w*])", text):
        assert (ROOT / name).exists(), f"{page.relative_to(ROOT)} names {name}, which is gone"
    for dotted in re.findall(r"\bsalesmkt(?:\.[A-Za-z_]\w*)+", text):
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj: Any = importlib.import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            for attr in parts[cut:]:
                assert hasattr(obj, attr), f"{page.relative_to(ROOT)} names {dotted}"
                obj = getattr(obj, attr)
            break


# -- the README ----------------------------------------------------------------------------


def test_readme_is_short() -> None:
    assert len(README.read_bytes()) < 20 * 1024


def test_readme_starts_with_make_demo_and_make_test() -> None:
    first_block = re.search(r"^```\w*\n(.*?)^```", _read(README), re.M | re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make demo", "make test"]
    makefile = _read(ROOT / "Makefile")
    for target in ("demo", "test"):
        assert re.search(rf"^{target}:", makefile, re.M), f"the Makefile lost `make {target}`"


@dataclass
class Example:
    line: str
    args: list[str]
    exit_code: int
    excerpt: list[str]


def _readme_examples() -> list[Example]:
    """Every `salesmkt …` line of the README's shell and console blocks.

    Console blocks: `$ salesmkt …` lines, each followed by an excerpt of its output
    (`…` marks a cut). Shell blocks: every line is a `salesmkt` or `make` command.
    A trailing `# exit N` comment gives the exit code the README promises (else 0).
    """
    examples: list[Example] = []
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", _read(README), re.M | re.S)
    for kind, body in blocks:
        if kind not in ("sh", "shell", "bash", "console"):
            continue
        lines = body.replace("\\\n", " ").splitlines()
        current: Example | None = None
        for raw in lines:
            if kind == "console" and not raw.startswith("$ "):
                assert current is not None, f"output before any command: {raw!r}"
                current.excerpt.append(raw)
                continue
            line = raw.removeprefix("$ ").strip()
            if not line or line.startswith("#") or line.startswith("make "):
                continue
            assert line.startswith("salesmkt "), f"README: a command the test cannot run: {line}"
            marker = re.search(r"#\s*exit\s+(\d+)\s*$", line)
            words = shlex.split(line, comments=True)
            current = Example(line, words[1:], int(marker.group(1)) if marker else 0, [])
            examples.append(current)
    return examples


README_EXAMPLES = _readme_examples()


def test_readme_tour_covers_the_main_commands() -> None:
    ran = {example.args[0] for example in README_EXAMPLES}
    assert {"validate", "score", "gaps", "recommend", "report", "compare"} <= ran


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def in_copy_of_examples(examples_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(examples_copy.parent)
    return examples_copy.parent


@pytest.mark.parametrize(
    "example", README_EXAMPLES, ids=[" ".join(e.args)[:60] for e in README_EXAMPLES]
)
def test_readme_example_runs(example: Example, in_copy_of_examples: Path) -> None:
    for flag, value in zip(example.args, example.args[1:], strict=False):
        if flag in ("-o", "--output", "--charts"):
            assert (in_copy_of_examples / value).resolve().is_relative_to(in_copy_of_examples)
    result = runner.invoke(app, example.args, env={"COLUMNS": COLUMNS})
    output = result.stdout + "\n" + result.stderr
    assert result.exit_code == example.exit_code, f"{example.line}\n{output}"
    seen = _squash(output)
    for line in example.excerpt:
        if line.strip() and line.strip() != "…":
            assert _squash(line) in seen, f"{example.line}: not in the output: {line!r}"
