"""Reading CRM exports: recognition, dates, amounts, ids, statuses, and every problem
located as file:row:column; the mapping file kind; the evidence command end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from jsonschema import Draft202012Validator
from support.paths import ROOT
from typer.testing import CliRunner

from salesmkt.cli import app
from salesmkt.definitions.crm_load import builtin_mapping_paths, builtin_mappings
from salesmkt.definitions.kinds import check_any_file
from salesmkt.definitions.schemas import json_schema
from salesmkt.definitions.yamlload import load_yaml
from salesmkt.errors import EvidenceDataError
from salesmkt.intake.evidence.cells import parse_amounts, parse_dates
from salesmkt.intake.evidence.combine import read_exports

LEADS_HEAD = "Id,LeadSource,Status,CreatedDate,IsConverted,ConvertedOpportunityId\n"
OPPS_HEAD = "Id,StageName,IsWon,IsClosed,Amount,CloseDate,CreatedDate,LeadSource,CampaignId\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(paths: list[Path], **options: str) -> list[str]:
    with pytest.raises(EvidenceDataError) as caught:
        read_exports(paths, builtin_mappings(), **options)  # type: ignore[arg-type]
    return caught.value.problems


# -- cells ------------------------------------------------------------------------------------


def test_iso_dates_with_zones_are_read_in_utc() -> None:
    parsed = parse_dates(pd.Series(["2026-03-04T09:30:00+01:00", "2026-03-04T08:30:00Z", ""]))
    assert parsed.values[0] == parsed.values[1] == pd.Timestamp("2026-03-04 08:30", tz="UTC")
    assert parsed.bad.tolist() == [False, False, False]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["13/03/2026", "04/03/2026"], "2026-03-04"),  # a day above 12: European
        (["03/13/2026", "04/03/2026"], "2026-04-03"),  # a month-second above 12: US
        (["04.03.2026"], "2026-03-04"),  # dotted: day-first
        (["03/13/2026 9:30 PM", "04/03/2026 12:00 AM"], "2026-04-03"),
    ],
)
def test_european_and_us_dates_are_told_apart_by_the_column(
    cells: list[str], expected: str
) -> None:
    parsed = parse_dates(pd.Series(cells))
    assert parsed.ambiguous is None
    assert parsed.values.iloc[-1].date().isoformat() == expected


def test_a_pm_time_is_afternoon() -> None:
    parsed = parse_dates(pd.Series(["13/03/2026 9:30 PM"]))
    assert parsed.values[0] == pd.Timestamp("2026-03-13 21:30", tz="UTC")


def test_amounts_with_currency_and_separators() -> None:
    cells = pd.Series(["$1,234.50", "EUR 2 000", "(300.00)", "-5", "1234", ""])
    parsed = parse_amounts(cells)
    assert parsed.values.tolist()[:5] == [1234.5, 2000.0, -300.0, -5.0, 1234.0]
    assert parsed.bad.tolist() == [False] * 6
    european = parse_amounts(pd.Series(["1.234,50 €", "12,5"]), ",")
    assert european.values.tolist() == [1234.5, 12.5]


@pytest.mark.parametrize("cell", ["12,50", "1.234,50", "12.3.4", "lots", "inf", "1,23,4"])
def test_an_amount_that_does_not_fit_is_refused_not_guessed(cell: str) -> None:
    assert parse_amounts(pd.Series([cell])).bad.tolist() == [True]


# -- whole files ------------------------------------------------------------------------------


def test_ambiguous_dates_name_the_column_and_show_examples(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "leads.csv",
        LEADS_HEAD + "L1,Web,Open - Not Contacted,04/03/2026,false,\n"
        "L2,Web,Open - Not Contacted,05/06/2026,false,\n",
    )
    found = problems([path])
    assert len(found) == 1
    assert found[0].startswith(f"{path}:1:D (CreatedDate): the dates are ambiguous")
    assert "04/03/2026" in found[0] and "--date-format" in found[0]
    data = read_exports([path], builtin_mappings(), date_format="%m/%d/%Y")
    assert data.leads is not None
    assert data.leads["created"][0] == pd.Timestamp("2026-04-03", tz="UTC")


def test_every_problem_of_every_file_is_located(tmp_path: Path) -> None:
    leads = write(
        tmp_path,
        "leads.csv",
        LEADS_HEAD + "L1,Web,Open - Not Contacted,2026-01-05,false,\n"
        "L1,Web,Working - Contacted,2026-01-06,false,\n"
        "L3,Web,Marketing Approved,not a date,maybe,\n"
        "L4,Web,Marketing Approved,2026-01-08,true,\n",
    )
    opps = write(
        tmp_path,
        "opps.csv",
        OPPS_HEAD + 'O1,Closed Won,true,true,"12,50",2026-02-01,2026-01-10,Web,\n',
    )
    found = problems([leads, opps])
    assert f"{leads}:4:D (CreatedDate): 'not a date' is not a date" in "\n".join(found)
    assert any(
        p.startswith(f"{leads}:4:E (IsConverted): 'maybe' is not true or false") for p in found
    )
    assert any(
        p.startswith(f"{leads}:4:C (Status): status 'Marketing Approved' is not in the mapping")
        and "2 row(s): 4, 5" in p
        for p in found
    )
    assert any(p.startswith(f"{opps}:2:E (Amount): '12,50' is not an amount") for p in found)
    assert f"{leads}:3: duplicate lead id 'L1'; first at {leads}:2" in found


def test_a_file_of_another_export_is_refused_naming_the_closest(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "Id,LeadSource,Status,Created\nL1,Web,New,2026-01-01\n")
    with pytest.raises(
        EvidenceDataError,
        match=r"cannot tell which CRM export .* closest: "
        r"salesforce-leads .* also needs CreatedDate, IsConverted",
    ):
        read_exports([path], builtin_mappings())


def test_hubspot_contacts_and_deals_are_recognised(tmp_path: Path) -> None:
    contacts = write(
        tmp_path,
        "contacts.csv",
        "Record ID,Create Date,Lead Status,Original Source,Became a Marketing Qualified Lead Date,"
        "First outreach date\n"
        "1,2026-01-05 10:00,Open,Paid Search,2026-01-05 12:00,2026-01-06 12:00\n"
        "2,2026-01-05 10:00,New,Offline Sources,,\n"
        "3,2026-01-07 10:00,Unqualified,Organic Search,2026-01-07 10:00,2026-01-07 11:00\n",
    )
    deals = write(
        tmp_path,
        "deals.csv",
        "Record ID,Deal Name,Pipeline,Deal Stage,Amount,Close Date,Create Date\n"
        '10,A,Sales Pipeline,Closed Won,"1,000",2026-02-01,2026-01-10\n'
        "11,B,Sales Pipeline,Contract Sent,500,2026-03-01,2026-01-11\n",
    )
    data = read_exports([contacts, deals], builtin_mappings())
    assert [f.mapping for f in data.files] == ["hubspot-contacts", "hubspot-deals"]
    assert data.leads is not None and data.opportunities is not None
    assert data.leads["step"].tolist() == [1, 0, 5]
    assert data.opportunities["won"].tolist() == [True, False]
    assert data.opportunities["amount"].tolist() == [1000.0, 500.0]


def test_a_converted_lead_without_its_opportunity_is_a_note(tmp_path: Path) -> None:
    leads = write(
        tmp_path, "leads.csv", LEADS_HEAD + "L1,Web,Closed - Converted,2026-01-05,true,O9\n"
    )
    opps = write(
        tmp_path,
        "opps.csv",
        OPPS_HEAD + "O1,Prospecting,false,false,10,2026-02-01,2026-01-10,Web,\n",
    )
    data = read_exports([leads, opps], builtin_mappings())
    assert data.notes and data.notes[0].startswith(f"{leads}:2: 1 converted lead(s)")


# -- the mapping file kind ----------------------------------------------------------------------


@pytest.mark.parametrize("path", builtin_mapping_paths(), ids=lambda p: p.stem)
def test_builtin_mappings_validate_and_fit_their_schema(path: Path) -> None:
    report = check_any_file(path)
    assert report.kind == "crm-mapping" and report.diagnostics == []
    errors = list(
        Draft202012Validator(json_schema("crm-mapping")).iter_errors(load_yaml(path).data)
    )
    assert errors == []


def test_a_broken_mapping_is_refused_with_located_codes(tmp_path: Path, runner: CliRunner) -> None:
    path = write(
        tmp_path,
        "m.yaml",
        "id: m\nexport: opportunities\ntitle: M\nrecognise: [Id]\ncolumns:\n  id: Id\n"
        "statuses:\n  Open: mql\nsources:\n  marketing: [Web]\n  sales: [Web]\n",
    )
    result = runner.invoke(app, ["validate", str(path), "--format", "text"])
    assert result.exit_code == 1
    for code in (
        "mapping-missing-column",
        "mapping-wrong-export",
        "mapping-no-outcome",
        "mapping-source-twice",
    ):
        assert f"[error] {code}:" in result.stdout
    assert f"{path}:8:3: [error] mapping-wrong-export" in result.stdout


def test_a_mapping_file_maps_another_crm(tmp_path: Path, runner: CliRunner) -> None:
    mapping = write(
        tmp_path,
        "ours.yaml",
        "id: ours\nexport: leads\ntitle: Ours\nrecognise: [Lead No, Stage]\n"
        "columns:\n  id: Lead No\n  created: Opened\n  status: Stage\n  source: Channel\n"
        "statuses:\n  Raw: lead\n  Qualified: mql\n  Taken: sal\n  Dropped: rejected\n"
        "sources:\n  marketing: [Web]\n  sales: [Phone]\n",
    )
    folder = tmp_path / "exports"
    folder.mkdir()
    write(
        folder,
        "leads.csv",
        "Lead No;Opened;Stage;Channel\n1;2026-01-01;Qualified;Web\n"
        "2;2026-01-02;Taken;Phone\n3;2026-01-03;Raw;Web\n",
    )
    result = runner.invoke(app, ["evidence", str(folder), "--map", str(mapping), "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    figures = {f["metric"]: f for f in doc["overall"]}
    assert (
        figures["mql_acceptance_rate"]["numerator"],
        figures["mql_acceptance_rate"]["denominator"],
    ) == (1, 2)
    assert figures["mql_acceptance_rate"]["small"] is True


# -- questionnaire evidence links ---------------------------------------------------------------


def test_evidence_links_are_checked_against_the_catalogue(tmp_path: Path) -> None:
    text = (ROOT / "questionnaires" / "alignment.yaml").read_text(encoding="utf-8")
    text = text.replace("metric: mql_disposition_rate", "metric: happiness", 1)
    text = text.replace("threshold: 0.0\n", "threshold: 2.0\n", 1)
    path = write(tmp_path, "q.yaml", text)
    codes = sorted(d.code for d in check_any_file(path).diagnostics)
    assert codes == ["evidence-threshold-range", "evidence-unknown-metric"]


# -- the command --------------------------------------------------------------------------------

CRM = ROOT / "examples" / "crm"


def test_evidence_command_with_responses_gives_one_verdict_each_way(runner: CliRunner) -> None:
    args = ["evidence", str(CRM), "--responses", str(ROOT / "examples" / "workshop.csv")]
    result = runner.invoke(app, [*args, "-f", "json"])
    assert result.exit_code == 0, result.output
    claims = {c["item"]: c for c in json.loads(result.stdout)["claims"]}
    assert claims["q05"]["verdict"] == "the data support Sales' view"
    assert claims["q06"]["verdict"] == "the data support Marketing's view"
    assert claims["q01"]["verdict"] == "the data support neither"
    # What each group says, by hand from the survey file (Sales: S01–S09, Marketing: M01–M05).
    survey = pd.read_csv(ROOT / "examples" / "workshop.csv")
    sales = survey[survey["Respondent"].str.startswith("S")]
    marketing = survey[survey["Respondent"].str.startswith("M")]
    views = {v["group"]: v["mean"] for v in claims["q06"]["views"]}
    assert views["sales"] == pytest.approx(pd.to_numeric(sales["q06"]).mean())
    assert views["marketing"] == pytest.approx(pd.to_numeric(marketing["q06"]).mean())
    markdown = runner.invoke(app, [*args, "-f", "markdown"])
    assert "## What the data say" in markdown.stdout and "not proof of intent" in markdown.stdout


def test_evidence_output_is_written_and_never_over_an_input(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "evidence.json"
    result = runner.invoke(app, ["evidence", str(CRM), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["kind"] == "salesmkt-evidence"
    refused = runner.invoke(app, ["evidence", str(CRM), "-o", str(CRM / "leads.csv"), "-f", "json"])
    assert refused.exit_code == 1 and "refusing to overwrite the input" in refused.output


@pytest.mark.parametrize("sla", ["soon", "0h", "-3h"])
def test_a_bad_sla_is_a_usage_error(runner: CliRunner, sla: str) -> None:
    result = runner.invoke(app, ["evidence", str(CRM), "--sla", sla])
    assert result.exit_code == 2 and "--sla" in result.output


def test_unreadable_exports_exit_1_listing_each_problem(runner: CliRunner, tmp_path: Path) -> None:
    write(tmp_path, "leads.csv", LEADS_HEAD + "L1,Web,Open - Not Contacted,yesterday,false,\n")
    result = runner.invoke(app, ["evidence", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'leads.csv'}:2:D (CreatedDate): 'yesterday' is not a date" in result.output


def test_report_with_evidence_has_what_the_data_say(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "evidence.json"
    assert runner.invoke(app, ["evidence", str(CRM), "-o", str(saved)]).exit_code == 0
    survey = str(ROOT / "examples" / "workshop.csv")
    for given in (CRM, saved):  # the exports themselves, or the saved JSON
        out = tmp_path / "report.md"
        result = runner.invoke(
            app, ["report", survey, "-o", str(out), "--evidence", str(given), "--force"]
        )
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        section = text.split("## What the data say", 1)[1].split("\n## ", 1)[0]
        assert "the data support Sales' view" in section
        assert "the data support Marketing's view" in section
        assert "CRM data: First touch within the SLA" in text  # the evidence rule fired
    html = tmp_path / "report.html"
    result = runner.invoke(app, ["report", survey, "-o", str(html), "--evidence", str(CRM)])
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert '<section id="evidence">' in page and "the data support Marketing&#39;s view" in page


def test_report_without_evidence_has_no_such_section(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    survey = str(ROOT / "examples" / "workshop.csv")
    assert runner.invoke(app, ["report", survey, "-o", str(out)]).exit_code == 0
    assert "What the data say" not in out.read_text(encoding="utf-8")


def test_a_file_that_is_not_evidence_json_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    bad = write(tmp_path, "x.json", '{"kind": "something else"}')
    out = tmp_path / "report.md"
    survey = str(ROOT / "examples" / "workshop.csv")
    result = runner.invoke(app, ["report", survey, "-o", str(out), "--evidence", str(bad)])
    assert result.exit_code == 1 and "not a salesmkt evidence JSON" in result.output


def test_recommend_with_evidence_fires_the_follow_up_rule(runner: CliRunner) -> None:
    survey = str(ROOT / "examples" / "workshop.csv")
    base = ["recommend", survey, "--situation", str(ROOT / "examples" / "situation.yaml")]
    result = runner.invoke(app, [*base, "--evidence", str(CRM), "--top", "0", "-f", "json"])
    assert result.exit_code == 0, result.output
    actions = {a["rule"]: a for a in json.loads(result.stdout)["advice"]["actions"]}
    fired = actions["lead-follow-up-sla"]
    # The figure the rule quotes, by hand: MQLs touched within 24 h of creation.
    leads = pd.read_csv(CRM / "leads.csv", keep_default_na=False)
    tasks = pd.read_csv(CRM / "tasks.csv", keep_default_na=False)
    first = pd.to_datetime(tasks["CreatedDate"], utc=True).groupby(tasks["WhoId"]).min()
    hours = (leads["Id"].map(first) - pd.to_datetime(leads["CreatedDate"], utc=True)).dt
    mql = leads["Status"] != "Nurture"
    share = ((hours.total_seconds() / 3600 <= 24) & mql).sum() / mql.sum()
    texts = [e["text"] for e in fired["evidence"]]
    assert any(t.startswith(f"CRM data: First touch within the SLA {share:.1%}") for t in texts)
    assert "forecast-from-the-funnel" in actions
    without = runner.invoke(app, [*base, "--top", "0", "-f", "json"])
    rules = {a["rule"] for a in json.loads(without.stdout)["advice"]["actions"]}
    assert "lead-follow-up-sla" not in rules and "forecast-from-the-funnel" not in rules


def test_an_evidence_rule_naming_an_unknown_metric_is_refused(tmp_path: Path) -> None:
    text = (ROOT / "rules" / "moving-up.yaml").read_text(encoding="utf-8")
    text = text.replace("metric: forecast_error", "metric: vibes")
    path = write(tmp_path, "rules.yaml", text)
    codes = [d.code for d in check_any_file(path).diagnostics]
    assert codes == ["rule-unknown-metric"]


def test_with_won_and_closed_columns_the_stages_need_not_be_listed(tmp_path: Path) -> None:
    mapping = write(
        tmp_path,
        "deals.yaml",
        "id: deals\nexport: opportunities\ntitle: Deals\nrecognise: [Deal, Phase]\n"
        "columns: {id: Deal, created: Opened, status: Phase, amount: Value, "
        "close_date: Closes, won: Won, closed: Closed}\n",
    )
    path = write(
        tmp_path,
        "deals.csv",
        "Deal,Opened,Phase,Value,Closes,Won,Closed\n"
        "D1,2026-01-01,Anything at all,100,2026-02-01,yes,yes\n"
        "D1,2026-01-02,Lost it,50,2026-02-02,no,yes\n",
    )
    from salesmkt.definitions.crm_load import load_mapping

    found = problems_with([path], [load_mapping(mapping)])
    assert found == [f"{path}:3: duplicate opportunity id 'D1'; first at {path}:2"]


def problems_with(paths: list[Path], mappings: list) -> list[str]:  # type: ignore[type-arg]
    with pytest.raises(EvidenceDataError) as caught:
        read_exports(paths, mappings)
    return caught.value.problems


@pytest.mark.parametrize("command", ["score", "gaps"])
def test_score_and_gaps_add_what_the_data_say(
    runner: CliRunner, tmp_path: Path, command: str
) -> None:
    survey = str(ROOT / "examples" / "workshop.csv")
    out = tmp_path / "out.md"
    result = runner.invoke(app, [command, survey, "--evidence", str(CRM), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "## What the data say" in text and "the data support Sales' view" in text
    plain_run = runner.invoke(app, [command, survey, "-f", "markdown"])
    assert text.startswith(plain_run.stdout.rstrip("\n"))  # the usual output comes first
    refused = runner.invoke(app, [command, survey, "--evidence", str(CRM), "-f", "json"])
    assert refused.exit_code == 2 and "--evidence" in refused.output
