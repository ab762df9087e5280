"""Time resolution against the publication date, at the right granularity, independent of today's date."""

import pytest

from extract.model import Article
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


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("99999999 days ago", "2022-04-20"),  # before year 1
        ("9" * 5000 + " days ago", "2022-04-20"),  # more digits than int() takes
        ("3000 weeks ago", "0002-04-20"),
        ("3000 years ago", "2022-04-20"),  # year -978 is no ISO year
        ("yesterday", "0001-01-01"),
        ("tomorrow", "9999-12-31"),
        ("last year", "0001-06-01"),
        ("next year", "9999-06-01"),
        ("last month", "0001-01-20"),
        ("next month", "9999-12-10"),
        ("last week", "0001-01-03"),
        ("next week", "9999-12-29"),
        ("Sunday", "0001-01-01"),  # a Monday: the Sunday before is in year 0
        ("June", "0001-04-20"),
        ("December 24", "0001-04-20"),
        ("June last year", "0001-04-20"),
    ],
)
def test_a_date_outside_years_1_to_9999_is_none(text, published):
    assert resolve(text, published) is None


def test_an_unrepresentable_time_leaves_its_event_undated(extractor):
    article = Article(id="t", text="ISIS attacked Kabul 99999999 days ago. ISIS attacked Herat yesterday.",
                      published="2022-04-20")
    events = extractor.extract(article).events
    assert [(e.type, e.time.value if e.time else None) for e in events] == [("Attack", None), ("Attack", "2022-04-19")]


@pytest.mark.parametrize(("text", "value"), [("May 5", "2022-05-05"), ("on May 5th", "2022-05-05"),
                                             ("5 May", "2022-05-05"), ("May 25.", "2022-05-25"),
                                             ("May 5-6", "2022-05-05"), ("on May 5 at noon", "2022-05-05")])
def test_may_before_a_day_is_the_month(text, value):
    assert resolve(text, "2022-06-20") == value


@pytest.mark.parametrize("text", ["may 5", "May 5 days", "May 5 times", "may attack"])
def test_the_modal_may_is_not_the_month(text):
    # a month name is written with a capital and its day counts nothing; "may 5 ..." is the verb
    assert resolve(text, "2022-06-20") is None


def test_an_event_on_may_5_is_dated_and_one_that_may_happen_is_not(extractor):
    dated = extractor.extract(Article(id="t", text="ISIS attacked Kabul on May 5.", published="2022-06-20")).events
    assert [(e.type, e.time.value) for e in dated] == [("Attack", "2022-05-05")]
    maybe = extractor.extract(Article(id="t", text="ISIS may 5 times attack Kabul.", published="2022-06-20")).events
    assert [(e.type, e.time) for e in maybe] == [("Attack", None)]


@pytest.mark.parametrize(("text", "value"), [
    ("next Monday", "2022-04-25"), ("next Friday", "2022-04-22"), ("this coming Friday", "2022-04-22"),
    ("coming Wednesday", "2022-04-27"), ("next Wednesday", "2022-04-27"),  # published on a Wednesday: a week on
    # the past, as before: a bare or "this" weekday is the latest on or before publication, "last" strictly before
    ("Monday", "2022-04-18"), ("on Wednesday", "2022-04-20"), ("this Friday", "2022-04-15"),
    ("last Monday", "2022-04-18"), ("last Wednesday", "2022-04-13"),
])
def test_next_and_coming_weekdays_are_after_publication(text, value):
    assert resolve(text, "2022-04-20") == value  # a Wednesday
