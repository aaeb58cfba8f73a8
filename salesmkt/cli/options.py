"""The command line's options: each declared once, as a typed alias the commands share.

Vocabulary: an *Arg* is a positional argument, an *Opt* an option; the *format* enums
list what each subject can be shown as (a test keeps them equal to the renderer
registry's lists). Help texts here are what ``salesmkt COMMAND --help`` prints.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class DiagFormat(StrEnum):
    auto = "auto"
    text = "text"
    json = "json"
    github = "github"


class SchemaKind(StrEnum):
    questionnaire = "questionnaire"
    rules = "rules"
    assessment = "assessment"
    crm_mapping = "crm-mapping"
    questionnaire_translation = "questionnaire-translation"
    rules_translation = "rules-translation"


class ShowFormat(StrEnum):
    text = "text"
    markdown = "markdown"


ResponsesArg = Annotated[
    Path,
    typer.Argument(
        help="Responses file: CSV, TSV, text (any encoding) or .xlsx.", show_default=False
    ),
]
QuestionnaireOpt = Annotated[
    str,
    typer.Option("--questionnaire", "-q", help="Built-in questionnaire id or a YAML file."),
]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the questionnaire's texts (a tag: de, fr, es…); "
        "default: the questionnaire's own (English for the built-ins).",
    ),
]
ReaderLangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the output: en (default), de, fr or es. Headings, sentences, "
        "numbers (decimal comma) and the questionnaire's texts; JSON and CSV keep "
        "machine-readable numbers.",
    ),
]
MapOpt = Annotated[
    Path | None,
    typer.Option("--map", help="YAML mapping of item ids to column headers (see --group-column)."),
]
GroupColumnOpt = Annotated[
    str | None,
    typer.Option("--group-column", help="The column that holds each respondent's group."),
]
RespondentColumnOpt = Annotated[
    str | None, typer.Option("--respondent-column", help="The column that holds respondent codes.")
]
DropInvalidOpt = Annotated[
    bool,
    typer.Option(
        "--drop-invalid",
        help="Exclude respondents with invalid data (each named, with why) instead of failing.",
    ),
]
HeaderRowsOpt = Annotated[
    int | None,
    typer.Option(
        "--header-rows",
        min=1,
        help="Header rows above the data (1: just the header) [default: detected].",
    ),
]
SheetOpt = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        metavar="NAME",
        help="The workbook's sheet to read [default: the one whose header matches].",
    ),
]
MaxMissingOpt = Annotated[
    float,
    typer.Option(
        "--max-missing",
        min=0.0,
        max=1.0,
        help="Largest share of items a respondent may leave unanswered and still be scored.",
    ),
]
MinGroupSizeOpt = Annotated[
    int,
    typer.Option(
        "--min-group-size",
        help="Anonymity threshold: groups and segments smaller than this are withheld "
        "(their figures and exact size); 3 or 4 warn, below 3 is refused.",
    ),
]
ByOpt = Annotated[
    list[str] | None,
    typer.Option("--by", help="Break every figure down by this column (repeatable)."),
]
HeadcountOpt = Annotated[
    Path | None,
    typer.Option(
        "--headcount",
        help="CSV or YAML of people invited per group (and segment): adds response rates.",
    ),
]
LeadersFunctionOpt = Annotated[
    str | None,
    typer.Option(
        "--leaders-function",
        help="Report each leader (a respondent outside the compared groups) within the "
        "function this column names for them [default: leaders are a group of their own].",
    ),
]
GapThresholdOpt = Annotated[
    float,
    typer.Option(
        "--gap-threshold", min=0.0, help="Flag items whose group means differ by this much."
    ),
]


# The advice inputs, shared by recommend and report.
RulesOpt = Annotated[
    str | None,
    typer.Option("--rules", help="Rules file: a path or a shipped id (default: moving-up)."),
]
SituationOpt = Annotated[
    Path | None,
    typer.Option("--situation", help="need-to-align answers (YAML, CSV or XLSX): stay or move up?"),
]
ChecklistOpt = Annotated[
    Path | None,
    typer.Option("--checklist", help="integration-checklist answers (YAML, CSV or XLSX)."),
]
SaveAnswersOpt = Annotated[
    Path | None,
    typer.Option(
        "--save-answers",
        metavar="FILE",
        help="Save the need-to-align answers typed at the terminal (YAML, for --situation).",
    ),
]
FunnelOpt = Annotated[
    Path | None,
    typer.Option(
        "--funnel", help="buying-funnel answers (YAML, CSV or XLSX; several respondents ok)."
    ),
]


# The output formats each subject offers (the renderer registry has the same lists; a test
# keeps them equal).
class ScoreFormat(StrEnum):
    terminal = "terminal"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class TextFormat(StrEnum):
    terminal = "terminal"
    json = "json"
    markdown = "markdown"


class AdjustMethod(StrEnum):
    holm = "holm"
    bh = "bh"
    none = "none"


ScoreFormatOpt = Annotated[
    ScoreFormat | None,
    typer.Option(
        "--format", "-f", help="terminal (default), json, csv (per respondent) or markdown."
    ),
]
GapsFormatOpt = Annotated[
    ScoreFormat | None,
    typer.Option("--format", "-f", help="terminal (default), json, csv or markdown."),
]
TextFormatOpt = Annotated[
    TextFormat | None,
    typer.Option("--format", "-f", help="terminal (default), json or markdown."),
]
TableOutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (.json, .csv or .md); atomic."),
]
TextOutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (.json or .md); atomic."),
]
WideOpt = Annotated[
    bool,
    typer.Option(
        "--wide",
        help="Terminal view: every table with all its columns, whatever the terminal's "
        "width (lines may run past it). Without it, a narrow terminal drops the "
        "lower-priority columns (and says so) or shows one block per item.",
    ),
]
AdjustOpt = Annotated[
    AdjustMethod,
    typer.Option(
        "--adjust",
        help="p-value adjustment across items (and the 'backed' verdict): bh "
        "(Benjamini-Hochberg), holm or none.",
    ),
]
MidpointOpt = Annotated[
    float | None,
    typer.Option("--midpoint", help="Quadrant midpoint on the answer scale [default: its middle]."),
]
GapsSeedOpt = Annotated[
    int, typer.Option("--seed", help="Seed of the bootstrap intervals (same seed, same CI).")
]
CompareSeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the bootstrap intervals.")]
NBootOpt = Annotated[
    int, typer.Option("--n-boot", min=100, help="Bootstrap resamples per interval.")
]
AdviceFileArg = Annotated[
    Path | None,
    typer.Argument(
        help="Responses file (scored on the fly) or an assessment JSON from "
        "'score --format json'. Leave out with --stage to print the playbook.",
        show_default=False,
    ),
]
StageOpt = Annotated[
    str | None,
    typer.Option(
        "--stage",
        help="The stage to move up from (undefined, defined, aligned). Without FILE: "
        "print that stage's playbook; with FILE: plan from this stage instead of the "
        "scored one.",
    ),
]
TopOpt = Annotated[
    int,
    typer.Option(
        "--top", min=0, help="Show the N highest-priority actions (0: all); the rest are counted."
    ),
]
BeforeArg = Annotated[
    Path,
    typer.Argument(help="The earlier wave: a responses file or a score JSON.", show_default=False),
]
AfterArg = Annotated[
    Path,
    typer.Argument(help="The later wave: a responses file or a score JSON.", show_default=False),
]
WaveQuestionnaireOpt = Annotated[
    str | None,
    typer.Option(
        "--questionnaire",
        "-q",
        help="Built-in id or YAML file (default: the one a JSON wave names, else alignment).",
    ),
]

# The report's own options.
ReportFileArg = Annotated[
    Path,
    typer.Argument(
        help="Responses file (CSV, TSV, text or .xlsx) or an assessment JSON from "
        "'score --format json' or 'recommend --format json'.",
        show_default=False,
    ),
]
ReportOutputOpt = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        help="The report: .html (one self-contained page), .md or .pptx (slides); atomic.",
    ),
]
ChartsOpt = Annotated[
    Path | None,
    typer.Option("--charts", help="Also write each chart as PNG and SVG into this folder."),
]
MinCommentGroupOpt = Annotated[
    int,
    typer.Option(
        "--min-comment-group",
        min=1,
        help="Show free-text comments only for groups at least this big (and never below "
        "--min-group-size).",
    ),
]
NoCommentsOpt = Annotated[
    bool, typer.Option("--no-comments", help="Leave the free-text comments out.")
]
TitleOpt = Annotated[
    str | None, typer.Option("--title", help="The report's title (e.g. the client's name).")
]
BaselineOpt = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        help="An earlier wave (responses or assessment JSON): adds the progress since it.",
    ),
]
TrendFromOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--trend-from",
        help="An earlier wave (responses file or assessment JSON) for the trend section; "
        "repeat it, oldest first. The reported file is the last wave.",
        show_default=False,
    ),
]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        metavar="URL",
        envvar="SALESMKT_STORE",
        help="sqlite:///PATH or postgresql+psycopg://USER@HOST/DB "
        "[default: $SALESMKT_STORE, else benchmark.sqlite in the user's data folder].",
        show_default=False,
    ),
]
BenchmarkClientOpt = Annotated[
    str | None,
    typer.Option(
        "--benchmark-client",
        metavar="ID",
        help="Add a benchmark section: where this assessment stands among the peers in the "
        "store (--store); ID is the client's id there, left out of its own peers.",
        show_default=False,
    ),
]
ForceReportOpt = Annotated[
    bool, typer.Option("--force", help="Replace an existing report (and chart files).")
]

# The evidence command's own options (CRM exports against the survey's claims).
ExportsArg = Annotated[
    list[Path],
    typer.Argument(
        help="CRM export files (.csv), or folders of them; each is recognised by its header.",
        show_default=False,
    ),
]
CrmMapOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--map",
        help="A CRM mapping file (YAML) for other exports or statuses; repeatable. Tried "
        "before the built-in Salesforce and HubSpot mappings.",
    ),
]
SlaOpt = Annotated[
    str, typer.Option("--sla", help="The first-touch service level: 24h, 2d, 90m or hours.")
]
MinNOpt = Annotated[
    int,
    typer.Option(
        "--min-n",
        min=1,
        help="Smallest denominator a figure needs to settle a claim (smaller: flagged).",
    ),
]
DateFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--date-format",
        help="How ambiguous dates are written, e.g. '%d/%m/%Y' [default: detected].",
    ),
]
EvidenceResponsesOpt = Annotated[
    Path | None,
    typer.Option(
        "--responses",
        help="A survey responses file: set what Sales and Marketing say against the data.",
    ),
]
EvidenceOpt = Annotated[
    Path | None,
    typer.Option(
        "--evidence",
        help="CRM exports (a folder or file) or a saved 'evidence --format json': adds "
        "'What the data say'.",
    ),
]


# The report's branding and format (the slide deck carries all of them).
class ReportFormat(StrEnum):
    html = "html"
    md = "md"
    pptx = "pptx"


ReportFormatOpt = Annotated[
    ReportFormat | None,
    typer.Option(
        "--format", "-f", help="html, md or pptx (slides) [default: from the output's suffix]."
    ),
]
ClientOpt = Annotated[
    str | None,
    typer.Option("--client", help="The client's name, in the report's header and on the deck."),
]
ConsultantOpt = Annotated[
    str | None,
    typer.Option("--consultant", help="Who prepared it, in the report's header and on the deck."),
]
LogoOpt = Annotated[
    Path | None,
    typer.Option(
        "--logo",
        help="A PNG, JPEG or SVG logo (at most 2 MB) for the report; the deck takes PNG or JPEG.",
    ),
]
AccentOpt = Annotated[
    str | None,
    typer.Option(
        "--accent",
        metavar="#RRGGBB",
        help="The accent colour of report and deck [default: #1F5C99].",
    ),
]
NoConsultantNotesOpt = Annotated[
    bool,
    typer.Option(
        "--no-consultant-notes",
        help="Leave out the 'Consultant notes' box (hints for you, not the client).",
    ),
]
HeatmapItemsOpt = Annotated[
    bool,
    typer.Option(
        "--heatmap-items", help="With --by, show every statement in the segments heatmap too."
    ),
]
