"""A change to the agreements in the domain's words, in the workspace's language (en, nl, pl).

`ChangeWords` turns one `accord.history.FieldChange` of one entity into a line a
team lead reads: "SQL volume target raised from 100 to 120 a month (+20%)",
"window tightened from 6 to 4 working hours", "hard criterion added: …",
"holder Jan de Boer → Sanne Bakker", "review date moved to 2027-06-30 (was
2027-01-01)". A field it has no words for reads as `FieldChange.describe()`
("path: old → new"). `accord diff` and the wiki's change history both use it, so
a change reads the same everywhere; `ChangeWords.impact` words what a change does
to a commitment's result (`accord diff --impact`).

`Names` says what things are called: people by name (not id), roles by title,
stages by their glossary term, commitments by their id in words ("sql-volume" →
"SQL volume" when the glossary has a term ``sql``). It reads plain entity data
(``{(kind, id): data}``), so it also names versions that do not validate;
`ChangeWords.for_workspace` builds it from a loaded workspace.

Lines are plain text on one line (no control characters); escaping them for
Markdown or HTML is the caller's job. Numbers, targets and statuses come from
`accord.present._format`, so the vocabulary stays one. The phrases of each
language are the tables `EN`, `NL` and `PL` below (``key = template``; an indented
line continues the one above); a key missing from a language reads in English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from accord.domain.errors import redact_url
from accord.domain.units import parse_duration, parse_ratio
from accord.domain.workspace import Bounds, Workspace
from accord.history import EntityKey, FieldChange
from accord.history.diff import format_value as plain_value
from accord.metrics import CommitmentResult
from accord.present._format import STATUS_LABEL, format_target, format_value
from accord.present._names import human_title, id_words


def _table(text: str) -> dict[str, str]:
    """``key = template`` lines (an indented line continues the previous template)."""
    out: dict[str, str] = {}
    last = ""
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[:1].isspace():
            out[last] += " " + line.strip()
            continue
        last, _, template = line.partition(" = ")
        out[last] = template.rstrip()
    return out


EN = _table("""
# kinds
kind_Workspace = workspace
kind_Team = team
kind_Role = role
kind_Stage = stage
kind_Term = term
kind_Kpi = KPI
kind_Agreement = agreement
kind_Ritual = ritual
kind_Questionnaire = questionnaire
kind_Assessment = assessment
# whole entities, lists and common fields
added = {what} added
removed = {what} removed
moved = moved from {old} to {new}
renamed = renamed from {old} to {new}
reworded = {field} reworded: {new}
set = {field} set to {new}
dropped = {field} {old} dropped
changed = {field} changed from {old} to {new}
now = {field} {old} → {new}
item_added = {item} added: {value}
item_removed = {item} removed: {value}
raised = raised
lowered = lowered
tightened = tightened
loosened = loosened
nobody = nobody
# commitments
target = {c} target {how} from {old} to {new}{per}{delta}
ceiling = {c} maximum {how} from {old} to {new}{per}{delta}
bound_set_min = {c} target set: at least {new}{per}
bound_set_max = {c} maximum set: at most {new}{per}
bound_dropped_min = {c} minimum of {old}{per} dropped
bound_dropped_max = {c} maximum of {old}{per} dropped
warn_changed = {c} warning level moved from {old} to {new}
warn_added = {c} warning level set at {new}
warn_removed = {c} warning level {old} dropped
per_changed = {c} now measured {new} (was {old})
kpi_changed = {c} now measured by {new} (was {old})
text_changed = {c} reworded: {new}
by_changed = {c} now promised by {new} (was {old})
to_changed = {c} now promised to {new} (was {old})
commitment_added = commitment {c} added: {text} ({target})
commitment_removed = commitment {c} removed (was {target})
at_least = at least {v}
at_most = at most {v}
between = {lo} to {hi}
pct = \x20({sign}{n}%)
points = \x20({sign}{n} points)
per_day = \x20a day
per_week = \x20a week
per_month = \x20a month
per_quarter = \x20a quarter
per_30d = \x20per rolling 30 days
per_90d = \x20per rolling 90 days
every_day = per day
every_week = per calendar week
every_month = per calendar month
every_quarter = per calendar quarter
every_30d = per rolling 30 days
every_90d = per rolling 90 days
# agreements
title = title
name = name
term = term
summary = summary
definition = definition
description = description
purpose = purpose
notes = notes
status = status
status_draft = draft
status_active = active
status_retired = retired
effective_changed = effective date moved to {new} (was {old})
effective_added = effective from {new}
effective_removed = effective date {old} dropped
review_changed = review date moved to {new} (was {old})
review_added = review date set to {new}
review_removed = review date {old} dropped
party = party
owner_role = owner role
handoff_field = hand-off field
# roles, teams, stages
holder_swap = holder {old} → {new}
holder = holder
responsibility = responsibility
team_moved = moved from team {old} to team {new}
liaison_on = now the liaison between the teams
liaison_off = no longer the liaison between the teams
hard = hard criterion
soft = soft criterion
order = moved from position {old} to {new} in the funnel
owner = owner
lead = lead
max_days = maximum days in the stage {how} from {old} to {new}
max_days_set = maximum days in the stage set to {new}
max_days_dropped = maximum of {old} days in the stage dropped
responsible = responsible
accountable = accountable
consulted = consulted
informed = informed
member = member
member_renamed = {old} is now called {new}
member_git = {who}'s git handle {old} → {new}
member_email = {who}'s e-mail address {old} → {new}
# KPIs
window_limit = window
window_within = conversion window
window_older_than = waiting threshold
window = {what} {how} from {old} to {new}
window_set = {what} set to {new}
window_dropped = {what} of {old} dropped
clock_business = now counts working hours (was calendar hours)
clock_calendar = now counts calendar hours (was working hours)
percentile = now the {new} percentile (was the {old})
starts = clock starts at {new} (was {old})
stops = clock stops at {new} (was {old})
counts = now counts {new} (was {old})
unit = unit
unit_count = count
unit_ratio = ratio
unit_hours = hours
unit_money = money
filter_added = lead filter {field} = {new} added
filter_removed = lead filter {field} = {old} removed
filter_changed = lead filter {field}: {old} → {new}
hours_business = working hour
hours_business_n = working hours
hour = hour
hours_n = hours
day = day
days_n = days
# terms, rituals, the workspace, the diagnostic
alias = alias
attendee = attendee
agenda_item = agenda item
cadence = now meets {new} (was {old})
cadence_weekly = weekly
cadence_biweekly = every two weeks
cadence_monthly = monthly
cadence_quarterly = quarterly
language = language
timezone = time zone
work_hours = working hours
workday = working day
holiday = holiday
store = event store set to {new}
repo_url = repository address set to {new}
statement = statement
date = date
scores = scores of {team} {old} → {new}
# the report (accord diff)
working_tree = the working tree
merge_base = the merge base of {head} with {branch} ({sha})
revision = {rev} ({sha})
heading = Agreement changes
compared = Compared: {base} → {head}.
no_changes = No changes to the agreements.
summary_line = {counts}.
count_added = {n} added
count_removed = {n} removed
count_changed = {n} changed
new = new
gone = removed
moved_files = Files moved (no change in content)
file_moved = {what}: {old} → {new}
approvals = Approvals needed
approvals_intro = Every side of each agreement the change touches approves: one of the
  people named for it.
approvals_none = The change touches no agreement: the usual review is enough.
reason_changed = changed
reason_added = added
reason_removed = removed
reason_file = its file {file} (comments or layout)
reason_role = owner role {role}
reason_person = {person}'s entry in Team members
reason_kpi = KPI {kpi}
reason_stage = stage {stage}
or = \x20or\x20
no_handle = no git handle
side_no_owner = nobody: the agreement names no owner role of {team}
side_pending = nobody yet: its {team} owner role is new in this change
side_no_handle = no holder of its {team} owner roles has a git handle in Team members
notes_heading = Notes
has_errors = the agreements in {side} have errors; run `accord validate`
# impact (accord diff --impact)
impact = Impact on the results
impact_intro = Evaluated against {store} as of {at}, under the agreements before and after
  the change.
impact_none = The change does not alter how any commitment is measured.
impact_unavailable = Impact not evaluated: {why}.
under_new = {period} under the new agreements
so_far = {period} so far under the new agreements
status_change = {when}: {c} {old} → {new} ({detail})
value_change = {when}: {c} {old} → {new}{window}{late}, still {status}
unchanged = {when}: {c} still {status} ({detail})
newly = {when}: {c} (new) {status} ({detail})
no_longer = {when}: {c} no longer measured (was {status}, {detail})
of = {v} of {t}
against = {v}, target {t}
new_window = \x20within the new window of {limit}
more_late = {n} more leads late
more_late_one = 1 more lead late
fewer_late = {n} fewer leads late
fewer_late_one = 1 lead fewer late
week_of = week of {date}
rolling = {n} days to {date}
quarter = Q{q} {year}
months = January February March April May June July August September October November
  December
""")

NL = _table("""
kind_Workspace = werkruimte
kind_Team = team
kind_Role = rol
kind_Stage = fase
kind_Term = begrip
kind_Kpi = KPI
kind_Agreement = afspraak
kind_Ritual = overleg
kind_Questionnaire = vragenlijst
kind_Assessment = meting
added = {what} toegevoegd
removed = {what} verwijderd
moved = verplaatst van {old} naar {new}
renamed = hernoemd van {old} naar {new}
reworded = {field} gewijzigd: {new}
set = {field} ingesteld op {new}
dropped = {field} {old} vervallen
changed = {field} gewijzigd van {old} naar {new}
item_added = {item} toegevoegd: {value}
item_removed = {item} verwijderd: {value}
raised = verhoogd
lowered = verlaagd
tightened = aangescherpt
loosened = verruimd
nobody = niemand
target = {c}: doel {how} van {old} naar {new}{per}{delta}
ceiling = {c}: maximum {how} van {old} naar {new}{per}{delta}
bound_set_min = {c}: doel ingesteld: minstens {new}{per}
bound_set_max = {c}: maximum ingesteld: hoogstens {new}{per}
bound_dropped_min = {c}: minimum van {old}{per} vervallen
bound_dropped_max = {c}: maximum van {old}{per} vervallen
warn_changed = {c}: waarschuwingsgrens verschoven van {old} naar {new}
warn_added = {c}: waarschuwingsgrens ingesteld op {new}
warn_removed = {c}: waarschuwingsgrens {old} vervallen
per_changed = {c}: nu gemeten {new} (was {old})
kpi_changed = {c}: nu gemeten met {new} (was {old})
text_changed = {c}: tekst gewijzigd: {new}
by_changed = {c}: nu toegezegd door {new} (was {old})
to_changed = {c}: nu toegezegd aan {new} (was {old})
commitment_added = toezegging {c} toegevoegd: {text} ({target})
commitment_removed = toezegging {c} verwijderd (was {target})
at_least = minstens {v}
at_most = hoogstens {v}
between = {lo} tot {hi}
points = \x20({sign}{n} procentpunt)
per_day = \x20per dag
per_week = \x20per week
per_month = \x20per maand
per_quarter = \x20per kwartaal
per_30d = \x20per voortschrijdende 30 dagen
per_90d = \x20per voortschrijdende 90 dagen
every_day = per dag
every_week = per kalenderweek
every_month = per kalendermaand
every_quarter = per kwartaal
every_30d = per voortschrijdende 30 dagen
every_90d = per voortschrijdende 90 dagen
title = titel
name = naam
term = begrip
summary = samenvatting
definition = definitie
description = omschrijving
purpose = doel
notes = notities
status_draft = concept
status_active = actief
status_retired = vervallen
effective_changed = ingangsdatum verschoven naar {new} (was {old})
effective_added = geldt vanaf {new}
effective_removed = ingangsdatum {old} vervallen
review_changed = herzieningsdatum verschoven naar {new} (was {old})
review_added = herzieningsdatum vastgesteld op {new}
review_removed = herzieningsdatum {old} vervallen
party = partij
owner_role = eigenaarsrol
handoff_field = overdrachtsveld
holder_swap = rolhouder {old} → {new}
holder = rolhouder
responsibility = verantwoordelijkheid
team_moved = verhuisd van team {old} naar team {new}
liaison_on = nu de verbindingspersoon tussen de teams
liaison_off = niet langer de verbindingspersoon tussen de teams
hard = hard criterium
soft = zacht criterium
order = verplaatst van positie {old} naar {new} in de funnel
owner = eigenaar
lead = teamleider
max_days = maximaal aantal dagen in de fase {how} van {old} naar {new}
max_days_set = maximaal aantal dagen in de fase ingesteld op {new}
max_days_dropped = maximum van {old} dagen in de fase vervallen
responsible = verantwoordelijk
accountable = eindverantwoordelijk
consulted = geraadpleegd
informed = geïnformeerd
member = lid
member_renamed = {old} heet nu {new}
member_git = Git-gebruikersnaam van {who} {old} → {new}
member_email = e-mailadres van {who} {old} → {new}
window_limit = termijn
window_within = conversietermijn
window_older_than = wachtdrempel
window = {what} {how} van {old} naar {new}
window_set = {what} ingesteld op {new}
window_dropped = {what} van {old} vervallen
clock_business = telt nu werkuren (was kalenderuren)
clock_calendar = telt nu kalenderuren (was werkuren)
percentile = nu het {new} percentiel (was het {old})
starts = klok start bij {new} (was {old})
stops = klok stopt bij {new} (was {old})
counts = telt nu {new} (was {old})
unit = eenheid
unit_count = aantal
unit_ratio = verhouding
unit_hours = uren
unit_money = geld
filter_added = leadfilter {field} = {new} toegevoegd
filter_removed = leadfilter {field} = {old} verwijderd
filter_changed = leadfilter {field}: {old} → {new}
hours_business = werkuur
hours_business_n = werkuren
hour = uur
hours_n = uur
day = dag
days_n = dagen
alias = synoniem
attendee = deelnemer
agenda_item = agendapunt
cadence = komt nu {new} bijeen (was {old})
cadence_weekly = wekelijks
cadence_biweekly = tweewekelijks
cadence_monthly = maandelijks
cadence_quarterly = elk kwartaal
language = taal
timezone = tijdzone
work_hours = werktijden
workday = werkdag
holiday = feestdag
store = gebeurtenissenopslag ingesteld op {new}
repo_url = repositoryadres ingesteld op {new}
statement = stelling
date = datum
scores = scores van {team} {old} → {new}
working_tree = de werkmap
merge_base = de samenvoegbasis van {head} met {branch} ({sha})
heading = Wijzigingen in de afspraken
compared = Vergeleken: {base} → {head}.
no_changes = Geen wijzigingen in de afspraken.
count_added = {n} toegevoegd
count_removed = {n} verwijderd
count_changed = {n} gewijzigd
new = nieuw
gone = verwijderd
moved_files = Verplaatste bestanden (inhoud ongewijzigd)
approvals = Goedkeuring nodig
approvals_intro = Elke kant van elke afspraak die de wijziging raakt keurt goed: een van
  de personen die daarbij genoemd staan.
approvals_none = De wijziging raakt geen afspraak: de gewone review volstaat.
reason_changed = gewijzigd
reason_added = toegevoegd
reason_removed = verwijderd
reason_file = het bestand {file} (commentaar of opmaak)
reason_role = eigenaarsrol {role}
reason_person = de gegevens van {person} in Team members
reason_kpi = KPI {kpi}
reason_stage = fase {stage}
or = \x20of\x20
no_handle = geen Git-gebruikersnaam
side_no_owner = niemand: de afspraak noemt geen eigenaarsrol van {team}
side_pending = nog niemand: de eigenaarsrol van {team} is nieuw in deze wijziging
side_no_handle = geen houder van de eigenaarsrollen van {team} heeft een Git-gebruikersnaam
notes_heading = Opmerkingen
has_errors = de afspraken in {side} bevatten fouten; voer `accord validate` uit
impact = Gevolgen voor de resultaten
impact_intro = Berekend met {store} per {at}, onder de afspraken van vóór en na de
  wijziging.
impact_none = De wijziging verandert niet hoe een toezegging gemeten wordt.
impact_unavailable = Gevolgen niet berekend: {why}.
under_new = {period} onder de nieuwe afspraken
so_far = {period} tot nu toe onder de nieuwe afspraken
value_change = {when}: {c} {old} → {new}{window}{late}, nog steeds {status}
unchanged = {when}: {c} nog steeds {status} ({detail})
newly = {when}: {c} (nieuw) {status} ({detail})
no_longer = {when}: {c} wordt niet meer gemeten (was {status}, {detail})
of = {v} van {t}
against = {v}, doel {t}
new_window = \x20binnen de nieuwe termijn van {limit}
more_late = {n} leads meer te laat
more_late_one = 1 lead meer te laat
fewer_late = {n} leads minder te laat
fewer_late_one = 1 lead minder te laat
week_of = week van {date}
rolling = {n} dagen tot {date}
quarter = K{q} {year}
months = januari februari maart april mei juni juli augustus september oktober november
  december
""")

_DATE_MONTHS = {
    "en": EN["months"].split(),
    "nl": NL["months"].split(),
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października "
    "listopada grudnia".split(),
}
"""Month names as a date writes them (Polish in the genitive: "18 listopada 2026")."""


def format_date(day: dt.date, language: str = "en") -> str:
    """A date as the language writes it: "18 November 2026" (en), "18 november 2026"
    (nl), "18 listopada 2026" (pl); any other language as English."""
    short = (language or "en").split("-")[0].lower()
    months = _DATE_MONTHS.get(short, _DATE_MONTHS["en"])
    return f"{day.day} {months[day.month - 1]} {day.year}"


PL = _table("""
kind_Workspace = przestrzeń robocza
kind_Team = zespół
kind_Role = rola
kind_Stage = etap
kind_Term = pojęcie
kind_Kpi = KPI
kind_Agreement = umowa
kind_Ritual = spotkanie
kind_Questionnaire = kwestionariusz
kind_Assessment = ocena
added = dodano: {what}
removed = usunięto: {what}
moved = przeniesiono z {old} do {new}
renamed = zmieniono nazwę z {old} na {new}
reworded = {field} — nowe brzmienie: {new}
set = {field} ustawiono na {new}
dropped = {field} {old} — usunięto
changed = {field}: zmiana z {old} na {new}
item_added = {item} — dodano: {value}
item_removed = {item} — usunięto: {value}
raised = podniesiono
lowered = obniżono
tightened = zaostrzono
loosened = złagodzono
nobody = nikt
target = {c}: cel {how} z {old} do {new}{per}{delta}
ceiling = {c}: maksimum {how} z {old} do {new}{per}{delta}
bound_set_min = {c}: ustalono cel: co najmniej {new}{per}
bound_set_max = {c}: ustalono maksimum: najwyżej {new}{per}
bound_dropped_min = {c}: usunięto minimum {old}{per}
bound_dropped_max = {c}: usunięto maksimum {old}{per}
warn_changed = {c}: próg ostrzeżenia przesunięty z {old} na {new}
warn_added = {c}: próg ostrzeżenia ustalony na {new}
warn_removed = {c}: usunięto próg ostrzeżenia {old}
per_changed = {c}: mierzone teraz {new} (było {old})
kpi_changed = {c}: mierzone teraz wskaźnikiem {new} (było {old})
text_changed = {c}: nowe brzmienie: {new}
by_changed = {c}: zobowiązuje się teraz {new} (było {old})
to_changed = {c}: zobowiązanie teraz wobec {new} (było {old})
commitment_added = dodano zobowiązanie {c}: {text} ({target})
commitment_removed = usunięto zobowiązanie {c} (było {target})
at_least = co najmniej {v}
at_most = najwyżej {v}
between = od {lo} do {hi}
points = \x20({sign}{n} pkt proc.)
per_day = \x20dziennie
per_week = \x20tygodniowo
per_month = \x20miesięcznie
per_quarter = \x20kwartalnie
per_30d = \x20w kroczących 30 dniach
per_90d = \x20w kroczących 90 dniach
every_day = na dzień
every_week = na tydzień kalendarzowy
every_month = na miesiąc kalendarzowy
every_quarter = na kwartał kalendarzowy
every_30d = na kroczące 30 dni
every_90d = na kroczące 90 dni
title = tytuł
name = nazwa
term = pojęcie
summary = podsumowanie
definition = definicja
description = opis
purpose = cel
notes = uwagi
status = status
status_draft = szkic
status_active = aktywna
status_retired = wycofana
effective_changed = data obowiązywania przesunięta na {new} (było {old})
effective_added = obowiązuje od {new}
effective_removed = usunięto datę obowiązywania {old}
review_changed = data przeglądu przesunięta na {new} (było {old})
review_added = data przeglądu ustalona na {new}
review_removed = usunięto datę przeglądu {old}
party = strona
owner_role = rola właściciela
handoff_field = pole przekazania
holder_swap = pełniący rolę {old} → {new}
holder = pełniący rolę
responsibility = obowiązek
team_moved = przeniesiono z zespołu {old} do zespołu {new}
liaison_on = teraz łącznik między zespołami
liaison_off = już nie łącznik między zespołami
hard = kryterium twarde
soft = kryterium miękkie
order = przeniesiono z pozycji {old} na {new} w lejku
owner = właściciel
lead = kierownik
max_days = maksymalna liczba dni na etapie — {how} z {old} do {new}
max_days_set = maksymalna liczba dni na etapie ustalona na {new}
max_days_dropped = usunięto maksimum {old} dni na etapie
responsible = odpowiedzialny
accountable = rozliczany
consulted = konsultowany
informed = informowany
member = członek
member_renamed = {old} nazywa się teraz {new}
member_git = login Git osoby {who}: {old} → {new}
member_email = adres e-mail osoby {who}: {old} → {new}
window_limit = termin
window_within = okno konwersji
window_older_than = próg oczekiwania
window = {what} — {how} z {old} do {new}
window_set = {what} ustalono na {new}
window_dropped = usunięto {what} {old}
clock_business = liczy teraz godziny pracy (było: godziny kalendarzowe)
clock_calendar = liczy teraz godziny kalendarzowe (było: godziny pracy)
percentile = teraz {new} percentyl (było {old})
starts = zegar startuje przy {new} (było {old})
stops = zegar zatrzymuje się przy {new} (było {old})
counts = liczy teraz {new} (było {old})
unit = jednostka
unit_count = liczba
unit_ratio = udział
unit_hours = godziny
unit_money = kwota
filter_added = dodano filtr leadów {field} = {new}
filter_removed = usunięto filtr leadów {field} = {old}
filter_changed = filtr leadów {field}: {old} → {new}
hours_business = godzina pracy
hours_business_n = godzin pracy
hour = godzina
hours_n = godzin
day = dzień
days_n = dni
alias = inna nazwa
attendee = uczestnik
agenda_item = punkt agendy
cadence = spotyka się teraz {new} (było {old})
cadence_weekly = co tydzień
cadence_biweekly = co dwa tygodnie
cadence_monthly = co miesiąc
cadence_quarterly = co kwartał
language = język
timezone = strefa czasowa
work_hours = godziny pracy
workday = dzień roboczy
holiday = dzień wolny
store = magazyn zdarzeń ustawiono na {new}
repo_url = adres repozytorium ustawiono na {new}
statement = stwierdzenie
date = data
scores = wyniki zespołu {team} {old} → {new}
working_tree = katalog roboczy
heading = Zmiany w umowach
compared = Porównano: {base} → {head}.
no_changes = Brak zmian w umowach.
count_added = dodano: {n}
count_removed = usunięto: {n}
count_changed = zmieniono: {n}
new = nowe
gone = usunięte
approvals = Wymagane zatwierdzenia
notes_heading = Uwagi
impact = Wpływ na wyniki
of = {v} z {t}
against = {v}, cel {t}
week_of = tydzień od {date}
rolling = {n} dni do {date}
quarter = {q} kw. {year}
months = styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad
  grudzień
""")

_TABLES = {"en": EN, "nl": NL, "pl": PL}

LANGUAGES = tuple(_TABLES)
"""The languages a change is worded in; any other reads in English."""

_STATUS_NL = {
    "breached": "niet gehaald",
    "at_risk": "in gevaar",
    "on_track": "op koers",
    "met": "gehaald",
    "no_data": "geen gegevens",
}
_STATUS_WORDS = {
    "nl": _STATUS_NL,
    "pl": {
        "breached": "niedotrzymane",
        "at_risk": "zagrożone",
        "on_track": "na dobrej drodze",
        "met": "dotrzymane",
        "no_data": "brak danych",
    },
}

_PART = re.compile(r"([^.\[\]]+)(?:\[([^\]]*)\])?")
_ROLLING = {"30d": 30, "90d": 90}

Data = Mapping[str, Any]


def _parts(path: str) -> list[tuple[str, str | None]]:
    """``commitments[sql-volume].target.min`` → ``[("commitments", "sql-volume"),
    ("target", None), ("min", None)]``."""
    return [(m.group(1), m.group(2)) for m in _PART.finditer(path)]


def _one_line(text: str) -> str:
    """`text` on one line: white space collapsed, invisible characters as escapes."""
    text = " ".join(text.split())
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def _quoted(value: Any, limit: int = 100) -> str:
    """Free text from YAML as quoted: “Company has 50 or more employees”."""
    if not isinstance(value, str):
        return plain_value(value)
    text = " ".join(value.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{text}”"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _as_list(value: Any) -> list[Any] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list) else None


def _delta(old: Any, new: Any) -> tuple[list[Any], list[Any]] | None:
    """Items added to and removed from a list (order kept), or None when not lists."""
    before, after = _as_list(old), _as_list(new)
    if before is None or after is None:
        return None
    return [x for x in after if x not in before], [x for x in before if x not in after]


class Names:
    """What things are called in one workspace, from entity data by ``(kind, id)``.

    Several snapshots may be given; the first that knows a thing names it (``accord
    diff`` gives the version after the change first, then the one before).
    """

    def __init__(self, *snapshots: Mapping[EntityKey, Data]) -> None:
        merged: dict[EntityKey, Data] = {}
        for snapshot in snapshots:
            for key, data in snapshot.items():
                merged.setdefault(key, data)
        self.entities = merged
        self._people: dict[str, Data] | None = None
        self._words: dict[str, str] = {}

    @classmethod
    def of_workspace(cls, ws: Workspace) -> Names:
        """The names of a loaded workspace."""
        return cls({key: doc.data for key, doc in ws.sources.items()})

    def entity(self, kind: str, ident: str) -> Data | None:
        return self.entities.get((kind, ident))

    def _field(self, kind: str, ident: Any, *fields: str) -> str:
        data = self.entity(kind, ident) if isinstance(ident, str) else None
        for name in fields:
            value = data.get(name) if data is not None else None
            if isinstance(value, str) and value.strip():
                return value
        return str(ident)

    def person(self, ident: Any) -> str:
        """A person's name, or the id when nobody by that id is a member of a team."""
        if self._people is None:
            self._people = {}
            for (kind, _), data in self.entities.items():
                if kind == "Team" and isinstance(data.get("members"), list):
                    for member in data["members"]:
                        if isinstance(member, dict) and isinstance(member.get("id"), str):
                            self._people.setdefault(member["id"], member)
        found = self._people.get(ident) if isinstance(ident, str) else None
        name = found.get("name") if found is not None else None
        return name if isinstance(name, str) and name.strip() else str(ident)

    def git_handle(self, ident: str) -> str | None:
        self.person(ident)
        assert self._people is not None
        handle = (self._people.get(ident) or {}).get("git")
        return handle.removeprefix("@") if isinstance(handle, str) else None

    def role(self, ident: Any) -> str:
        return self._field("Role", ident, "title")

    def team(self, ident: Any) -> str:
        return self._field("Team", ident, "name")

    def kpi(self, ident: Any) -> str:
        return self._field("Kpi", ident, "name")

    def stage(self, ident: Any) -> str:
        """A stage as people call it: its glossary term when one has its id, else its name."""
        if isinstance(ident, str) and self.entity("Term", ident) is not None:
            return self._field("Term", ident, "term")
        return self._field("Stage", ident, "name")

    def kpi_unit(self, ident: Any) -> str | None:
        data = self.entity("Kpi", ident) if isinstance(ident, str) else None
        unit = data.get("unit") if data is not None else None
        return unit if isinstance(unit, str) else None

    def name(self, key: EntityKey, data: Data | None = None) -> str:
        """An entity's name (title, name or term; a stage's glossary term), else its id."""
        if key[0] == "Stage" and self.entity("Term", key[1]) is not None:
            return self.stage(key[1])
        data = data if data is not None else self.entity(*key)
        for attr in ("title", "name", "term"):
            value = data.get(attr) if data is not None else None
            if isinstance(value, str) and value.strip():
                return value
        return key[1]

    def words_of(self, ident: str) -> str:
        """An id in words, glossary terms as written: ``sql-volume`` → ``SQL volume``."""
        found = self._words.get(ident)
        if found is None:
            found = self._words[ident] = self._words_of(ident)
        return found

    def _words_of(self, ident: str) -> str:
        return id_words(ident, self._term)

    def _term(self, ident: str) -> str | None:
        term = self.entity("Term", ident)
        word = term.get("term") if term is not None else None
        return word if isinstance(word, str) and word.strip() else None

    def title(self, ident: str) -> str:
        """An id as a heading: ``sql-volume`` → "SQL volume" (`human_title`)."""
        return human_title(ident, self._term)

    def commitment(self, agreement: str, ident: str) -> Data | None:
        data = self.entity("Agreement", agreement)
        items = data.get("commitments") if data is not None else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get("id") == ident:
                return item
        return None


def _language(language: str) -> str:
    short = (language or "en").split("-")[0].lower()
    return short if short in _TABLES else "en"


class ChangeWords:
    """Changes, and their impact, in one workspace's words and language."""

    def __init__(self, names: Names, language: str = "en") -> None:
        self.names = names
        self.language = _language(language)
        self._table = _TABLES[self.language]

    @classmethod
    def for_workspace(cls, ws: Workspace) -> ChangeWords:
        """The words of a loaded workspace, in its ``language``."""
        return cls(Names.of_workspace(ws), ws.settings.language)

    def say(self, phrase: str, /, **values: object) -> str:
        """A phrase of this language by key, with `values` put in (not escaped)."""
        template = self._table.get(phrase) or EN[phrase]
        return template.format(**values) if values else template

    # --- entities ---------------------------------------------------------------

    def word(self, group: str, value: Any) -> str:
        """A value the vocabulary knows, in words (``word("status", "draft")`` →
        "concept"); any other value as written."""
        key = f"{group}_{value}" if isinstance(value, str) else ""
        return self.say(key) if key in EN else plain_value(value)

    def kind(self, kind: str) -> str:
        """The word for a kind: "agreement", "afspraak"; unknown kinds as written."""
        return self.word("kind", kind) if f"kind_{kind}" in EN else kind

    def entity(self, key: EntityKey, data: Data | None = None) -> str:
        """``Role Head of Sales``: the kind and the entity's name."""
        return _cap(f"{self.kind(key[0])} {self.names.name(key, data)}")

    def change(self, key: EntityKey, change: FieldChange) -> str:
        """One change of entity `key` as a line; `FieldChange.describe()` where no
        words fit."""
        line: str | None
        if change.path == "":
            data = change.new if change.op == "added" else change.old
            what = self.entity(key, data if isinstance(data, dict) else None)
            line = self.say(change.op, what=what) if change.op != "changed" else None
        else:
            handler = _HANDLERS.get(key[0])
            try:
                line = handler(self, key, change) if handler is not None else None
            except (ValueError, TypeError, KeyError, AttributeError, IndexError, ArithmeticError):
                line = None  # data of an unexpected shape: the plain words are right
            if line is None:
                line = self._common(change)
        return _one_line(_cap(line if line is not None else change.describe()))

    def changes(self, key: EntityKey, changes: Iterable[FieldChange]) -> list[str]:
        return [self.change(key, c) for c in changes]

    def moved(self, old: str, new: str) -> str:
        return _one_line(_cap(self.say("moved", old=old, new=new)))

    # --- pieces -------------------------------------------------------------------

    def _common(self, change: FieldChange) -> str | None:
        """Fields many kinds share: names, texts."""
        if change.path in ("name", "title", "term"):
            if change.op == "changed":
                return self.say("renamed", old=_quoted(change.old), new=_quoted(change.new))
            return None
        if change.path in ("summary", "definition", "description", "purpose", "notes"):
            field = self.say(change.path)
            if change.op == "removed":
                return self.say("dropped", field=field, old=_quoted(change.old, 60))
            return self.say("reworded", field=field, new=self._text(change))
        return None

    def _text(self, change: FieldChange) -> str:
        """The new text; for a long one, from a little before where it changed."""
        new = change.new
        if not isinstance(new, str) or not isinstance(change.old, str) or len(new) <= 100:
            return _quoted(new)
        common = 0
        for a, b in zip(change.old, new, strict=False):
            if a != b:
                break
            common += 1
        start = max(0, common - 30)
        return _quoted(("…" if start else "") + new[start:])

    def _list(self, item: str, old: Any, new: Any, show: Callable[[Any], str]) -> str | None:
        """``hard criterion added: “…”; hard criterion removed: “…”``."""
        found = _delta(old, new)
        if found is None:
            return None
        added, removed = found
        parts = [self.say("item_added", item=self.say(item), value=show(x)) for x in added]
        parts += [self.say("item_removed", item=self.say(item), value=show(x)) for x in removed]
        return "; ".join(parts) if parts else None

    def _swap_or_list(
        self, swap: str, item: str, old: Any, new: Any, show: Callable[[Any], str]
    ) -> str | None:
        found = _delta(old, new)
        if found is not None and len(found[0]) == 1 and len(found[1]) == 1:
            return self.say(swap, old=show(found[1][0]), new=show(found[0][0]))
        return self._list(item, old, new, show)

    def _value(self, raw: Any, unit: str | None) -> tuple[str, float | None]:
        """A target value as shown in its KPI's unit, and as a number."""
        number: float | None
        try:
            if unit == "ratio":
                number = parse_ratio(raw)
            elif unit == "hours":
                number = parse_duration(raw)
            else:
                number = _number(raw)
        except ValueError:
            number = None
        if number is None or unit is None:
            return plain_value(raw), number
        return format_value(number, unit), number

    def _how(self, old: float | None, new: float | None, up: str, down: str) -> str:
        return self.say(up) if old is not None and new is not None and new > old else self.say(down)

    def hours(self, hours: float, clock: str | None) -> str:
        """A duration in a sentence: "4 working hours", "2 days", "90 hours"."""
        number, unit = self._hours(hours, clock)
        return f"{number} {unit}"

    def _hours(self, hours: float, clock: str | None) -> tuple[str, str]:
        if clock == "business":
            return f"{hours:g}", self.say("hours_business" if hours == 1 else "hours_business_n")
        if hours >= 24 and hours % 24 == 0:
            days = hours / 24
            return f"{days:g}", self.say("day" if days == 1 else "days_n")
        return f"{hours:g}", self.say("hour" if hours == 1 else "hours_n")

    def _from_to(self, old: float, new: float, clock: str | None) -> tuple[str, str]:
        """``("6", "4 working hours")``: the unit said once when both share it."""
        (n_old, u_old), (n_new, u_new) = self._hours(old, clock), self._hours(new, clock)
        plural_old = self._hours(old if old != 1 else 2, clock)[1]
        if u_old == u_new or plural_old == u_new:
            return n_old, f"{n_new} {u_new}"
        return f"{n_old} {u_old}", f"{n_new} {u_new}"

    def _match(self, match: Any) -> str:
        """An event matcher in words: a stage by its name, else ``type (stage)``."""
        if isinstance(match, str):
            return self.names.stage(match)
        if isinstance(match, dict):
            kind, stage = match.get("type"), match.get("stage")
            if kind == "entered" and stage is not None:
                return self.names.stage(stage)
            return f"{kind} ({self.names.stage(stage)})" if stage else str(kind)
        return plain_value(match)

    def per(self, per: Any) -> str:
        """The period after a target: " a month", " per maand"."""
        return self.say(f"per_{per}") if f"per_{per}" in EN else ""

    def target(self, target: Any, unit: str | None, per: Any) -> str:
        """``at least 120 a month``; ``4h to 8h``."""
        if not isinstance(target, dict):
            return plain_value(target)
        low = self._value(target["min"], unit)[0] if "min" in target else None
        high = self._value(target["max"], unit)[0] if "max" in target else None
        if low is not None and high is not None:
            text = self.say("between", lo=low, hi=high)
        elif low is not None:
            text = self.say("at_least", v=low)
        elif high is not None:
            text = self.say("at_most", v=high)
        else:
            text = plain_value(target)
        return text + self.per(per)

    def commitment(self, ident: str) -> str:
        """A commitment's id in words: "SQL volume"."""
        return self.names.words_of(ident)

    # --- impact --------------------------------------------------------------------

    def status(self, status: str) -> str:
        """``✔ met`` / ``✔ gehaald``: a symbol and a word."""
        symbol, word = STATUS_LABEL.get(status, ("?", status.replace("_", " ")))
        word = _STATUS_WORDS.get(self.language, {}).get(status, word)
        return f"{symbol} {word}"

    def period(self, start: dt.datetime, end: dt.datetime, per: str, tz: ZoneInfo) -> str:
        """The period in words: "October 2026", "oktober 2026", "Q4 2026", "week of
        2026-11-16", "30 days to 2026-11-18"."""
        first = start.astimezone(tz)
        if per in _ROLLING:
            last = end.astimezone(tz)
            return self.say("rolling", n=_ROLLING[per], date=f"{last:%Y-%m-%d}")
        if per == "month":
            return f"{self.say('months').split()[first.month - 1]} {first.year}"
        if per == "quarter":
            return self.say("quarter", q=(first.month - 1) // 3 + 1, year=first.year)
        if per == "week":
            return self.say("week_of", date=f"{first:%Y-%m-%d}")
        return f"{first:%Y-%m-%d}"

    def _shown(self, result: CommitmentResult) -> str:
        if result.value is None:
            return self.status("no_data").split(" ", 1)[1]
        return format_value(result.value, result.unit)

    def _detail(self, result: CommitmentResult, was: str | None = None, window: str = "") -> str:
        """``98 of 120``, ``88%, target ≥ 95%``; with the value before (`was`) and the
        new window: ``93% → 88% within the new window of 4 working hours, target ≥ 95%``."""
        value = self._shown(result)
        value = (f"{was} → {value}" if was is not None else value) + window
        bounds = result.ref.bounds if result.ref is not None else Bounds(None, None, None)
        if bounds.min is not None and bounds.max is None and result.unit in ("count", "money"):
            return self.say("of", v=value, t=format_value(bounds.min, result.unit))
        return self.say("against", v=value, t=format_target(bounds, result.unit, warn=False))

    def impact(
        self,
        label: str,
        when: str,
        before: CommitmentResult | None,
        after: CommitmentResult | None,
        *,
        new_limit: str | None = None,
        late: int | None = None,
    ) -> str:
        """One commitment's result in one period before and after the change.

        Args:
            label: the commitment in words.
            when: the period and which agreements judge it (`under_new`, `so_far`).
            before: the result under the agreements before the change (None: not measured).
            after: the result after it (None: no longer measured).
            new_limit: the new time limit in words, when the change moved it.
            late: how many more (positive) or fewer leads are late after the change.
        """
        if after is None and before is None:
            return ""
        if after is None:
            assert before is not None
            line = self.say(
                "no_longer",
                when=when,
                c=label,
                status=self.status(before.status),
                detail=self._detail(before),
            )
        elif before is None:
            line = self.say(
                "newly",
                when=when,
                c=label,
                status=self.status(after.status),
                detail=self._detail(after),
            )
        else:
            window = self.say("new_window", limit=new_limit) if new_limit else ""
            late_text = ""
            if late:
                which = "more_late" if late > 0 else "fewer_late"
                late_text = self.say(which + ("_one" if abs(late) == 1 else ""), n=abs(late))
            same_value = self._shown(before) == self._shown(after)
            if before.status != after.status:
                was = None if same_value else self._shown(before)
                detail = self._detail(after, was, window)
                detail += f", {late_text}" if late_text else ""
                line = self.say(
                    "status_change",
                    when=when,
                    c=label,
                    old=self.status(before.status),
                    new=self.status(after.status),
                    detail=detail,
                )
            elif not same_value:
                line = self.say(
                    "value_change",
                    when=when,
                    c=label,
                    old=self._shown(before),
                    new=self._shown(after),
                    window=window,
                    late=f" ({late_text})" if late_text else "",
                    status=self.status(after.status),
                )
            else:
                line = self.say(
                    "unchanged",
                    when=when,
                    c=label,
                    status=self.status(after.status),
                    detail=self._detail(after),
                )
        return _one_line(_cap(line))


# --- the words of each kind ---------------------------------------------------------

Handler = Callable[[ChangeWords, EntityKey, FieldChange], str | None]


def _agreement(w: ChangeWords, key: EntityKey, change: FieldChange) -> str | None:
    parts = _parts(change.path)
    head, index = parts[0]
    old, new, op = change.old, change.new, change.op
    if head == "commitments" and index is not None:
        return _commitment(w, key[1], index, [p for p, _ in parts[1:]], change)
    if len(parts) > 1 and change.path != "handoff.required_fields":
        return None
    if head == "status" and op == "changed":
        shown = {"old": w.word("status", old), "new": w.word("status", new)}
        return w.say("changed", field=w.say("status"), **shown)
    if head in ("effective", "review_by"):
        name = "effective" if head == "effective" else "review"
        return w.say(f"{name}_{op}", old=plain_value(old), new=plain_value(new))
    if head == "parties":
        return w._list("party", old, new, w.names.team)
    if head == "owners":
        return w._list("owner_role", old, new, w.names.role)
    if head == "handoff":
        if change.path == "handoff":
            old = (old or {}).get("required_fields") if isinstance(old, dict | None) else old
            new = (new or {}).get("required_fields") if isinstance(new, dict | None) else new
        return w._list("handoff_field", old, new, plain_value)
    return None


def _commitment(
    w: ChangeWords, agreement: str, ident: str, rest: list[str], change: FieldChange
) -> str | None:
    old, new, op = change.old, change.new, change.op
    label = w.commitment(ident)
    if not rest:
        data = new if op == "added" else old
        if not isinstance(data, dict):
            return None
        unit = w.names.kpi_unit(data.get("kpi"))
        target = w.target(data.get("target"), unit, data.get("per"))
        if op == "added":
            return w.say("commitment_added", c=label, text=_quoted(data.get("text")), target=target)
        return w.say("commitment_removed", c=label, target=target)
    data = w.names.commitment(agreement, ident) or {}
    unit = w.names.kpi_unit(data.get("kpi"))
    per = w.per(data.get("per"))
    field = rest[0]
    if field == "target" and len(rest) == 2 and rest[1] in ("min", "max"):
        bound = rest[1]
        if op == "added":
            return w.say(f"bound_set_{bound}", c=label, new=w._value(new, unit)[0], per=per)
        if op == "removed":
            return w.say(f"bound_dropped_{bound}", c=label, old=w._value(old, unit)[0], per=per)
        (old_text, before), (new_text, after) = w._value(old, unit), w._value(new, unit)
        how = w._how(before, after, "raised", "lowered")
        return w.say(
            "target" if bound == "min" else "ceiling",
            c=label,
            how=how,
            old=old_text,
            new=new_text,
            per=per,
            delta=_change_size(w, before, after, unit),
        )
    if len(rest) != 1:
        return None
    if field == "warn":
        shown = {"old": w._value(old, unit)[0], "new": w._value(new, unit)[0]}
        return w.say(f"warn_{op}", c=label, **shown)
    if field == "per" and op == "changed":
        return w.say("per_changed", c=label, old=w.word("every", old), new=w.word("every", new))
    if field == "kpi" and op == "changed":
        return w.say("kpi_changed", c=label, old=w.names.kpi(old), new=w.names.kpi(new))
    if field == "text" and op == "changed":
        return w.say("text_changed", c=label, new=w._text(change))
    if field in ("by", "to"):
        was = ", ".join(w.names.team(t) for t in _as_list(old) or []) or w.say("nobody")
        now = ", ".join(w.names.team(t) for t in _as_list(new) or []) or w.say("nobody")
        return w.say(f"{field}_changed", c=label, old=was, new=now)
    return None


def _change_size(w: ChangeWords, old: float | None, new: float | None, unit: str | None) -> str:
    """`` (+20%)`` for counts and money, `` (+5 points)`` for ratios."""
    if old is None or new is None or old == new:
        return ""
    if unit == "ratio":
        points = round((new - old) * 100, 1)
        return w.say("points", sign="+" if points > 0 else "-", n=f"{abs(points):g}")
    if unit in ("count", "money") and old != 0:
        percent = round((new - old) / abs(old) * 100)
        return w.say("pct", sign="+" if percent > 0 else "-", n=abs(percent)) if percent else ""
    return ""


def _role(w: ChangeWords, key: EntityKey, change: FieldChange) -> str | None:
    old, new = change.old, change.new
    if change.path == "holders":
        return w._swap_or_list("holder_swap", "holder", old, new, w.names.person)
    if change.path == "team" and change.op == "changed":
        return w.say("team_moved", old=w.names.team(old), new=w.names.team(new))
    if change.path == "responsibilities":
        return w._list("responsibility", old, new, _quoted)
    if change.path == "liaison":
        return w.say("liaison_on" if new is True else "liaison_off")
    return None


_RACI = ("responsible", "accountable", "consulted", "informed")


def _stage(w: ChangeWords, key: EntityKey, change: FieldChange) -> str | None:
    parts = [p for p, _ in _parts(change.path)]
    old, new, op = change.old, change.new, change.op
    if parts[0] in ("criteria", "raci"):
        names = ("hard", "soft") if parts[0] == "criteria" else _RACI
        show = _quoted if parts[0] == "criteria" else w.names.role
        if len(parts) == 2 and parts[1] in names:
            return w._list(parts[1], old, new, show)
        if len(parts) == 1:
            before = old if isinstance(old, dict) else {}
            after = new if isinstance(new, dict) else {}
            lines = [w._list(n, before.get(n), after.get(n), show) for n in names]
            return "; ".join(line for line in lines if line) or None
        return None
    if len(parts) != 1:
        return None
    if parts[0] == "order" and op == "changed":
        return w.say("order", old=old, new=new)
    if parts[0] == "owner" and op == "changed":
        return w.say("now", field=w.say("owner"), old=w.names.team(old), new=w.names.team(new))
    if parts[0] == "max_days":
        if op == "added":
            return w.say("max_days_set", new=new)
        if op == "removed":
            return w.say("max_days_dropped", old=old)
        how = w._how(_number(old), _number(new), "loosened", "tightened")
        return w.say("max_days", how=how, old=old, new=new)
    return None


def _kpi(w: ChangeWords, key: EntityKey, change: FieldChange) -> str | None:
    parts = [p for p, _ in _parts(change.path)]
    old, new, op = change.old, change.new, change.op
    data = w.names.entity(*key) or {}
    if parts[0] == "measure" and len(parts) == 3:
        kind, field = parts[1], parts[2]
        spec = (data.get("measure") or {}).get(kind) or {}
        clock = spec.get("clock") if isinstance(spec, dict) else None
        if field in ("limit", "within", "older_than"):
            what = w.say(f"window_{field}")
            if op == "added":
                return w.say("window_set", what=what, new=w.hours(parse_duration(new), clock))
            if op == "removed":
                return w.say("window_dropped", what=what, old=w.hours(parse_duration(old), clock))
            before, after = parse_duration(old), parse_duration(new)
            how = w._how(before, after, "loosened", "tightened")
            shown_old, shown_new = w._from_to(before, after, clock)
            return w.say("window", what=what, how=how, old=shown_old, new=shown_new)
        if field == "clock":
            return w.say("clock_business" if new == "business" else "clock_calendar")
        if field == "percentile" and op == "changed":
            return w.say("percentile", old=_ordinal(w, old), new=_ordinal(w, new))
        if field in ("from", "to") and op == "changed":
            which = "starts" if field == "from" else "stops"
            return w.say(which, old=w._match(old), new=w._match(new))
        if field == "of" and op == "changed":
            return w.say("counts", old=w._match(old), new=w._match(new))
        return None
    if parts == ["measure", "count"] and op == "changed":
        return w.say("counts", old=w._match(old), new=w._match(new))
    if parts[0] == "where":
        if len(parts) == 2:
            shown = {"field": parts[1], "old": plain_value(old), "new": plain_value(new)}
            return w.say(f"filter_{op}", **shown)
        return None
    if parts == ["unit"] and op == "changed":
        return w.say(
            "changed", field=w.say("unit"), old=w.word("unit", old), new=w.word("unit", new)
        )
    if parts == ["owner"] and op == "changed":
        return w.say("now", field=w.say("owner"), old=w.names.role(old), new=w.names.role(new))
    return None


def _ordinal(w: ChangeWords, n: Any) -> str:
    number = _number(n)
    if number is None:
        return plain_value(n)
    if w.language == "nl":
        return f"{number:g}e"
    if number != int(number):
        return f"{number:g}th"
    k = int(number)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _team(w: ChangeWords, key: EntityKey, change: FieldChange) -> str | None:
    parts = _parts(change.path)
    old, new, op = change.old, change.new, change.op
    if parts[0][0] == "members" and parts[0][1] is not None:
        person = parts[0][1]
        if len(parts) == 1:
            data = new if op == "added" else old
            name = data.get("name") if isinstance(data, dict) else None
            return w.say(f"item_{op}", item=w.say("member"), value=name or person)
        field = parts[1][0]
        who = w.names.person(person)
        if field == "name" and op == "changed":
            return w.say("member_renamed", old=old, new=new)
        if field in ("git", "email") and len(parts) == 2:
            return w.say(f"member_{field}", who=who, old=plain_value(old), new=plain_value(new))
        return None
    if change.path == "lead" and op == "changed":
        return w.say("now", field=w.say("lead"), old=w.names.person(old), new=w.names.person(new))
    return None


def _term(w: ChangeWords, key: EntityKey, change: FieldChange) -> str | None:
    if change.path == "aliases":
        return w._list("alias", change.old, change.new, plain_value)
    return None


def _ritual(w: ChangeWords, key: EntityKey, change: FieldChange) -> str | None:
    old, new = change.old, change.new
    if change.path == "cadence" and change.op == "changed":
        return w.say("cadence", old=w.word("cadence", old), new=w.word("cadence", new))
    if change.path == "attendees":
        return w._list("attendee", old, new, w.names.role)
    if change.path == "agenda":
        return w._list("agenda_item", old, new, _quoted)
    return None


def _workspace(w: ChangeWords, key: EntityKey, change: FieldChange) -> str | None:
    old, new, op = change.old, change.new, change.op
    fields = {
        "language": "language",
        "calendar.timezone": "timezone",
        "calendar.hours": "work_hours",
    }
    if change.path in fields and op == "changed":
        field = w.say(fields[change.path])
        return w.say("changed", field=field, old=plain_value(old), new=plain_value(new))
    if change.path == "calendar.workdays":
        return w._list("workday", old, new, plain_value)
    if change.path == "calendar.holidays":
        return w._list("holiday", old, new, plain_value)
    if change.path == "store":  # never show a password
        shown = redact_url(new) if isinstance(new, str) else plain_value(new)
        return w.say("store", new=shown)
    if change.path == "repo_url":
        return w.say("repo_url", new=plain_value(new))
    return None


def _questionnaire(w: ChangeWords, key: EntityKey, change: FieldChange) -> str | None:
    parts = _parts(change.path)
    if parts[0][0] == "statements" and parts[0][1] is not None and len(parts) == 1:
        data = change.new if change.op == "added" else change.old
        text = data.get("text") if isinstance(data, dict) else None
        return w.say(f"item_{change.op}", item=w.say("statement"), value=_quoted(text))
    if len(parts) == 2 and parts[0][0] == "statements" and parts[1][0] == "text":
        return w.say("reworded", field=w.say("statement"), new=w._text(change))
    return None


def _assessment(w: ChangeWords, key: EntityKey, change: FieldChange) -> str | None:
    parts = [p for p, _ in _parts(change.path)]
    if len(parts) == 2 and parts[0] == "responses" and change.op == "changed":
        shown = {"old": plain_value(change.old), "new": plain_value(change.new)}
        return w.say("scores", team=w.names.team(parts[1]), **shown)
    if parts == ["date"] and change.op == "changed":
        return w.say("changed", field=w.say("date"), old=change.old, new=change.new)
    return None


_HANDLERS: dict[str, Handler] = {
    "Agreement": _agreement,
    "Role": _role,
    "Stage": _stage,
    "Kpi": _kpi,
    "Team": _team,
    "Term": _term,
    "Ritual": _ritual,
    "Workspace": _workspace,
    "Questionnaire": _questionnaire,
    "Assessment": _assessment,
}
