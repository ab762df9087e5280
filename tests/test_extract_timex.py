"""Time resolution against the publication date, at the right granularity, independent of today's date."""

import pytest

from extract.timex import resolve


@pytest.mark.parametrize(
    ("text", "published", "value"),
    [
        ("February this year", "2022-04-20", "2022-02"),
        ("last month", "2022-04-20", "2022-03"),
        ("last month", "2022-01-10", "2021-12"),
        ("last week", "2022-04-20", "2022-04"),
        ("last week", "2022-03-09", "2022"),  # Feb 28 to Mar 6 straddles two months
        ("yesterday", "2022-03-01", "2022-02-28"),
        ("Monday", "2022-04-20", "2022-04-18"),
        ("last Wednesday", "2022-04-20", "2022-04-13"),
        ("three days ago", "2022-04-20", "2022-04-17"),
        ("two years ago", "2022-04-20", "2020"),
        ("March 5", "2022-04-20", "2022-03-05"),
        ("December 24", "2022-04-20", "2021-12-24"),  # news reports the past: last December
        ("June", "2022-04-20", "2021-06"),
        ("in June 2014", None, "2014-06"),
        ("5 March 2021", None, "2021-03-05"),
        ("March 5, 2021", None, "2021-03-05"),
        ("2019", None, "2019"),
        ("2022-04-20", None, "2022-04-20"),
        ("last year", "2022-04-20", "2021"),
        ("earlier this year", "2022-04-20", "2022"),
    ],
)
def test_resolves_at_granularity(text, published, value):
    assert resolve(text, published) == value


@pytest.mark.parametrize("text", ["last month", "yesterday", "Monday", "February this year"])
def test_relative_needs_a_publication_date(text):
    assert resolve(text, None) is None


@pytest.mark.parametrize("text", ["for years", "the holy month of Ramadan", "55 days", "the 1990s", "May"])
def test_unresolvable_stays_none(text):
    assert resolve(text, "2022-04-20") is None
