"""Command-line tasks: flask --app wsgi questionnaire validate | users create | users sign-out-everywhere |
users deactivate | users reset-two-factor | sites import | areas import |
demo seed | audit show | backup create | backup restore."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import AppGroup

from assess.admin.areas_csv import AreasCsvError, parse_areas_csv
from assess.admin.remit import RemitError, describe_remit, parse_remit
from assess.admin.sites_csv import SitesCsvError, parse_sites_csv
from assess.models.user import ROLES


def unit_of_work(command: Callable[..., None]) -> Callable[..., None]:
    """One commit per command, as per request: everything the command changed, with its audit events, is
    committed when it finishes, and nothing when it fails."""

    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> None:
        from assess.data.audit import new_request_id, request_id
        from assess.extensions import db

        with request_id("cli-" + new_request_id()):
            try:
                command(*args, **kwargs)
            except BaseException:
                db.session.rollback()
                raise
            db.session.commit()

    return wrapped


questionnaire_cli = AppGroup("questionnaire", help="Check questionnaire definition files.")
users_cli = AppGroup("users", help="Manage accounts.")
sites_cli = AppGroup("sites", help="Manage sites.")
demo_cli = AppGroup("demo", help="Demo data for trying the service out.")
audit_cli = AppGroup("audit", help="Read the audit trail.")
areas_cli = AppGroup("areas", help="Manage areas (named sets of sites for commissioners).")
backup_cli = AppGroup("backup", help="Back up the database and restore it (see docs/backups.md).")


@questionnaire_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate_command(paths: tuple[Path, ...]) -> None:
    """Check questionnaire files (default: the configured folder). Exits 1 on any problem."""
    from assess.data.assessments import get_recorded_versions
    from assess.questionnaire.loader import QuestionnaireError, check_published, load_registry

    targets = list(paths) or [Path(current_app.config["QUESTIONNAIRE_PATH"])]
    try:
        registry = load_registry(targets)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo(f"{len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''} found.", err=True)
        raise SystemExit(1) from None
    problems = check_published(registry, _recorded(get_recorded_versions), require_all=not paths)
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise SystemExit(1)
    for item in registry:
        definition = item.definition
        questions = sum(len(domain.questions) for domain in definition.domains)
        click.echo(
            f"ok  {item.path.parent.name}/{item.path.name}: {definition.title}, "
            f"{len(definition.domains)} domains, {questions} questions"
        )


def _recorded(getter):  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import SQLAlchemyError

    from assess.extensions import db

    try:
        return getter()
    except SQLAlchemyError:
        db.session.rollback()
        return {}


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option("--name", required=True, help="Full name, as shown in the service.")
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)), help="What the person does.")
@click.option("--site", "site_codes", multiple=True, help="Site code the person answers for (repeat for more).")
@click.option(
    "--remit",
    "remit_values",
    multiple=True,
    help="An inspector's remit: all, prison, probation, or a kind with nations, e.g. prison:England,Wales "
    "(repeat for more).",
)
@click.option("--area", "area_codes", multiple=True, help="A commissioner's area code (repeat for more).")
@unit_of_work
def create_user_command(
    email: str,
    name: str,
    role: str,
    site_codes: tuple[str, ...],
    remit_values: tuple[str, ...],
    area_codes: tuple[str, ...],
) -> None:
    """Create an account (or update the one with this email). Password from ASSESS_PASSWORD or a prompt."""
    from assess.data.users import create_or_update_user
    from assess.extensions import security

    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise click.UsageError(f"--email: {exc}") from None
    if not name.strip():
        raise click.UsageError("--name: enter the person's name")
    sites = _sites_for(role, site_codes)
    remit = _remit_for(role, remit_values)
    areas = _areas_for(role, area_codes)
    password = os.environ.get("ASSESS_PASSWORD") or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems, password = security.password_util.validate(password, True, email=email, name=name)
    if problems:
        raise click.UsageError("password refused: " + " ".join(str(problem) for problem in problems))
    user = create_or_update_user(email, name.strip(), role, password, sites, remit=remit, areas=areas)
    covers = "; ".join(describe_remit(remit))
    click.echo(
        f"Saved {user.email} ({role}{', sites: ' + ', '.join(s.code for s in sites) if sites else ''}"
        f"{', remit: ' + covers if covers else ''}"
        f"{', areas: ' + ', '.join(area.code for area in areas) if areas else ''})."
    )


def _existing_user(email: str) -> Any:
    from assess.data.users import get_user_by_email

    user = get_user_by_email(email)
    if user is None:
        raise click.UsageError(f"no account has the email {email.strip().lower()!r}")
    return user


@users_cli.command("sign-out-everywhere")
@click.argument("email")
@unit_of_work
def sign_out_everywhere_command(email: str) -> None:
    """End every session of this person, on every computer (they can sign in again)."""
    from assess.data.users import end_all_sessions

    user = _existing_user(email)
    end_all_sessions(user, None, reason="signed out everywhere from the command line")
    click.echo(f"Every session of {user.email} has ended.")


@users_cli.command("deactivate")
@click.argument("email")
@unit_of_work
def deactivate_user_command(email: str) -> None:
    """Stop this person signing in, and end every session they have now."""
    from assess.data.users import deactivate_user

    user = _existing_user(email)
    deactivate_user(user, None)
    click.echo(f"{user.email} can no longer sign in; every session of theirs has ended.")


@users_cli.command("reset-two-factor")
@click.argument("email")
@unit_of_work
def reset_two_factor_command(email: str) -> None:
    """Remove this person's two-factor sign-in (a lost phone) and end their sessions: they set it up again when
    they next sign in (an inspector, commissioner or admin must)."""
    from assess.data.two_factor import reset_two_factor

    user = _existing_user(email)
    reset_two_factor(user, None)
    again = "must set it up again" if user.two_factor_required else "can set it up again from Your account"
    click.echo(f"Two-factor sign-in for {user.email} is reset; every session of theirs has ended. They {again}.")


def _sites_for(role: str, site_codes: tuple[str, ...]) -> list[Any]:
    from assess.data.sites import get_site_by_code

    sites = []
    for code in site_codes:
        site = get_site_by_code(code.strip().upper())
        if site is None:
            raise click.UsageError(f"--site: no site with code '{code}' (import sites first)")
        sites.append(site)
    if role == "governor" and not sites:
        raise click.UsageError("--site: a governor must be linked to at least one site")
    return sites


def _remit_for(role: str, remit_values: tuple[str, ...]) -> list[tuple[str, str]]:
    try:
        remit = parse_remit(remit_values)
    except RemitError as exc:
        raise click.UsageError(f"--remit: {exc}") from None
    if role == "inspector" and not remit:
        raise click.UsageError("--remit: an inspector needs a remit, for example --remit prison:England,Wales")
    if remit and role != "inspector":
        raise click.UsageError("--remit: only an inspector has a remit")
    return remit


def _areas_for(role: str, area_codes: tuple[str, ...]) -> list[Any]:
    from assess.data.areas import get_area_by_code

    areas = []
    for code in area_codes:
        area = get_area_by_code(code.strip().upper())
        if area is None:
            raise click.UsageError(f"--area: no area with code '{code}' (import areas first: flask areas import)")
        areas.append(area)
    if role == "commissioner" and not areas:
        raise click.UsageError("--area: a commissioner needs at least one area, for example --area NW-REGION")
    if areas and role != "commissioner":
        raise click.UsageError("--area: only a commissioner has areas")
    return areas


def _read_utf8(csv_file: Path) -> str:
    """The file's text; a file that is not UTF-8 stops the command with what to do."""
    try:
        return csv_file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        click.echo(f"{csv_file}: not UTF-8 text; save it as 'CSV UTF-8' and try again", err=True)
        raise SystemExit(1) from None


@sites_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@unit_of_work
def import_sites_command(csv_file: Path) -> None:
    """Create or update sites from a CSV file (see README for the columns). All or nothing."""
    from assess.data.sites import upsert_sites

    text = _read_utf8(csv_file)
    try:
        rows = parse_sites_csv(text)
    except SitesCsvError as exc:
        for problem in exc.problems:
            click.echo(f"{csv_file.name}: {problem}", err=True)
        click.echo("Nothing was imported.", err=True)
        raise SystemExit(1) from None
    created, updated = upsert_sites(rows)
    click.echo(f"Imported {len(rows)} sites: {created} new, {updated} updated.")


@areas_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@unit_of_work
def import_areas_command(csv_file: Path) -> None:
    """Create or update areas from a CSV file, one row per site in an area (see README). All or nothing."""
    from assess.data.areas import AreaRow, get_sites_by_codes, upsert_areas

    text = _read_utf8(csv_file)
    try:
        parsed = parse_areas_csv(text)
    except AreasCsvError as exc:
        problems = exc.problems
    else:
        known = get_sites_by_codes(code for area in parsed for code, _ in area.site_codes)
        problems = [
            f"line {line}: no site with code '{code}' (import sites first)"
            for area in parsed
            for code, line in area.site_codes
            if code not in known
        ]
    if problems:
        for problem in sorted(problems, key=_line_number):
            click.echo(f"{csv_file.name}: {problem}", err=True)
        click.echo("Nothing was imported.", err=True)
        raise SystemExit(1)
    created, updated = upsert_areas(
        AreaRow(area.code, area.name, area.type, tuple(code for code, _ in area.site_codes)) for area in parsed
    )
    sites = sum(len(area.site_codes) for area in parsed)
    click.echo(f"Imported {len(parsed)} areas ({sites} site memberships): {created} new, {updated} updated.")


def _line_number(problem: str) -> int:
    number = problem.removeprefix("line ").split(":", 1)[0]
    return int(number) if number.isdigit() else 0


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
@click.option(
    "--sites",
    type=click.IntRange(min=0),
    default=230,
    show_default=True,
    help="Fictional national sites for benchmarks (about 52% prisons); 0 for the small demo only.",
)
@click.option(
    "--periods",
    type=click.IntRange(min=1, max=20),
    default=4,
    show_default=True,
    help="Annual periods of national data, ending with last year.",
)
@click.option(
    "--seed", "random_seed", type=int, default=2026, show_default=True, help="The same seed gives the same data."
)
@unit_of_work
def demo_seed_command(if_empty: bool, sites: int, periods: int, random_seed: int) -> None:
    """Load fictional demo sites, accounts and assessments, and a national dataset for benchmarks.
    Safe to run again (nothing is duplicated). Refuses to run in production."""
    from assess.data.users import count_users
    from assess.demo import DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS, seed_demo
    from assess.demo.national import seed_national
    from assess.services.questionnaires import latest

    if current_app.config.get("PRODUCTION"):
        click.echo("Refusing to load demo data: ASSESS_ENV is production.", err=True)
        raise SystemExit(1)
    if if_empty and count_users() > 0:
        click.echo("The database already has accounts, so demo data was not loaded again.")
    else:
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        summary = seed_demo(latest(), password, date.today(), seed=random_seed)
        click.echo(
            f"Demo data ready: {summary['sites']} sites, {summary['accounts']} accounts, "
            f"{summary['assessments_created']} new submitted assessments."
        )
        if sites >= 2:
            national = seed_national(latest(), date.today(), sites=sites, periods=periods, seed=random_seed)
            click.echo(
                f"National demo data: {national['sites']} sites ({national['sites_created']} new), "
                f"{national['periods']} periods, {national['assessments_created']} new submitted assessments."
            )
    click.echo(
        "Demo sign-ins (password from DEMO_PASSWORD"
        + (")" if os.environ.get("DEMO_PASSWORD") else f", default {DEFAULT_DEMO_PASSWORD})")
        + ":"
    )
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.role:<13} {account.email}")


@audit_cli.command("show")
@click.option("--site", "site_code", required=True, help="Site code: its events and its assessments', newest first.")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True, help="At most this many events.")
def audit_show_command(site_code: str, limit: int) -> None:
    """Print a site's audit trail, newest first: when, who, what, which object, and what changed."""
    import json

    from assess.data.audit import get_events_for_site
    from assess.data.sites import get_site_by_code

    site = get_site_by_code(site_code.strip().upper())
    if site is None:
        raise click.UsageError(f"--site: no site with code '{site_code}'")
    events = get_events_for_site(site.id, limit=limit)
    if not events:
        click.echo(f"No events recorded for {site.code} ({site.name}).")
        return
    for event in events:
        target = f"{event.object_type} {event.object_id}" if event.object_id else event.object_type
        click.echo(f"{event.occurred_at:%Y-%m-%d %H:%M:%S}Z  {event.actor}  {event.action}  {target}")
        for label, value in (("before", event.before), ("after", event.after)):
            if value:
                click.echo(f"    {label}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}")


def _database_url() -> str:
    """The URL the service's engine really uses (a relative SQLite path already resolved), with its password."""
    from assess.extensions import db

    return db.engine.url.render_as_string(hide_password=False)


def _print_tables(tables: dict[str, int]) -> None:
    width = max((len(name) for name in tables), default=0)
    for name, rows in tables.items():
        click.echo(f"  {name:<{width}}  {rows:>8} row{'s' if rows != 1 else ''}")
    total = sum(tables.values())
    click.echo(f"  {len(tables)} tables, {total} row{'s' if total != 1 else ''} in all.")


@backup_cli.command("create")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_create_command(path: Path | None) -> None:
    """Copy the database to a new file at PATH (default: assess-<database>-<UTC time>.sqlite3 or .pgdump in
    the current folder). Safe while the service runs. Never overwrites a file."""
    from datetime import UTC, datetime

    from assess.data.backup import BackupError, create_backup, default_file_name

    url = _database_url()
    try:
        target = path or Path(default_file_name(url, datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")))
        report = create_backup(url, target)
    except BackupError as exc:
        click.echo(f"Backup failed: {exc}", err=True)
        raise SystemExit(1) from None
    size = report.path.stat().st_size
    click.echo(f"Backed up {report.database} to {report.path} ({size:,} bytes):")
    _print_tables(report.tables)


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace everything in a database that already has data.")
def backup_restore_command(path: Path, force: bool) -> None:
    """Restore the backup at PATH into the database (DATABASE_URL), which must be empty unless --force.
    Stop the service first. The restore is recorded in the restored audit trail."""
    from sqlalchemy.exc import SQLAlchemyError

    from assess.data.audit import new_request_id, record, request_id
    from assess.data.backup import BackupError, restore_backup
    from assess.extensions import db

    url = _database_url()
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds the database while it is replaced
    try:
        report = restore_backup(url, path, force=force)
    except BackupError as exc:
        click.echo(f"Restore failed: {exc}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Restored {report.path} into {report.database}:")
    _print_tables(report.tables)
    with request_id("cli-" + new_request_id()):
        try:
            record(
                None,
                "database-restored",
                "database",
                after={"backup": path.name, "rows": report.total_rows, "forced": force},
            )
            db.session.commit()
        except SQLAlchemyError as exc:  # a backup from before the audit trail existed: upgrade first
            db.session.rollback()
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            click.echo(f"The restore could not be recorded in the audit trail ({reason}): run flask db upgrade.")


def register(app: Flask) -> None:
    for group in (questionnaire_cli, users_cli, sites_cli, demo_cli, audit_cli, areas_cli, backup_cli):
        app.cli.add_command(group)
