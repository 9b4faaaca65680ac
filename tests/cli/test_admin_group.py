"""`frontdesk admin client group`: the one-time code that binds a client's group chat."""

from __future__ import annotations

from datetime import timedelta

from tests.cli.test_admin import cli, db_path, in_db  # noqa: F401  (fixtures)


def test_the_code_is_printed_alone_and_says_how_to_use_it(cli, db_path):  # noqa: F811
    cli("client", "add", "--name", "Beta")

    result = cli("client", "group", "--client", "1", "--expires", "12h")

    assert result.code == 0, result.err
    code = result.out.strip()
    assert f"/bind {code}" in result.err and "Beta" in result.err
    stored = in_db(db_path, lambda uow: uow.client_groups.code(code))
    assert stored.client_id == 1 and stored.used_at is None
    assert stored.expires_at - stored.created_at == timedelta(hours=12)


def test_the_code_lasts_a_day_unless_told(cli, db_path):  # noqa: F811
    cli("client", "add", "--name", "Beta")
    code = cli("client", "group", "--client", "1").out.strip()
    stored = in_db(db_path, lambda uow: uow.client_groups.code(code))
    assert stored.expires_at - stored.created_at == timedelta(days=1)


def test_bad_values_write_nothing(cli, db_path):  # noqa: F811
    cli("client", "add", "--name", "Beta")

    unknown = cli("client", "group", "--client", "7")
    never = cli("client", "group", "--client", "1", "--expires", "never")
    missing = cli("client", "group")

    assert unknown.code == 2 and "unknown client id 7" in unknown.err
    assert never.code == 2 and "must expire" in never.err
    assert missing.code == 2 and "--client" in missing.err
    assert unknown.out == never.out == missing.out == ""
