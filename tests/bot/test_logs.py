"""Phone numbers, with or without a country prefix, never reach the log; ticket numbers,
ids, times, dates and sums stay as they are."""

import pytest

from bot.logs import RedactingFilter

redact = RedactingFilter(["123456:SECRET"]).redact


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # with a country prefix
        ("call +7 (912) 345-67-89", "call <phone>"),
        ("call +79123456789.", "call <phone>."),
        ("+44 20 7946 0958 in London", "<phone> in London"),
        # 8 or 7 and ten digits
        ("call 8 (912) 345-67-89 now", "call <phone> now"),
        ("89123456789", "<phone>"),
        ("8-912-345-67-89", "<phone>"),
        ("7 912 345 67 89", "<phone>"),
        # no prefix: a mobile number
        ("phone 9123456789", "phone <phone>"),
        ("phone 912 345 67 89, thanks", "phone <phone>, thanks"),
        ("phone 912-345-67-89", "phone <phone>"),
        ("phone (912) 345-67-89", "phone <phone>"),
        ("phone (912)3456789", "phone <phone>"),
        # no prefix: a city number with its area code in brackets
        ("office (495) 123-45-67", "office <phone>"),
        ("телефон:9123456789;", "телефон:<phone>;"),
        # kept as they are
        ("ticket №1042, update 812345678", "ticket №1042, update 812345678"),
        ("user 5123456789, chat -1001000000001", "user 5123456789, chat -1001000000001"),
        ("at 10:30, 2026-11-23 10:15:00Z", "at 10:30, 2026-11-23 10:15:00Z"),
        ("23.11.2026 and 2026-11-23", "23.11.2026 and 2026-11-23"),
        ("due 12 345,67 RUB; 912 345 678 RUB", "due 12 345,67 RUB; 912 345 678 RUB"),
        ("1 234 567 890 bytes", "1 234 567 890 bytes"),
        ("9 123 456,78", "9 123 456,78"),
        ("handled in 912.3 ms", "handled in 912.3 ms"),
        ("backup-20261123T101500Z", "backup-20261123T101500Z"),
        ("-9123456789", "-9123456789"),
        ("91234567890123", "91234567890123"),
        ("token 123456:SECRET", "token <token>"),
    ],
)
def test_redaction(line, expected):
    assert redact(line) == expected
