"""The retirement date (Nghị định 135/2020/NĐ-CP): the roadmap of Điều 4 khoản 1 as the
rows of Phụ lục I list it, and the moment of Điều 3 (the end of the last day of the
month in which the age is reached; the pension from the first day of the next)."""
import datetime

import pytest

from app.leavers.retirement import FEMALE, MALE, required_months, retirement, retirement_date

D = datetime.date


@pytest.mark.parametrize("born, sex, age, last_day", [
    # Phụ lục I, men: 2021 60y3m for births 01/1961-09/1961 (both ends of the row)
    (D(1961, 1, 20), MALE, (60, 3), D(2021, 4, 30)),
    (D(1961, 9, 2), MALE, (60, 3), D(2021, 12, 31)),
    # 2022 60y6m: 10/1961-06/1962
    (D(1961, 10, 1), MALE, (60, 6), D(2022, 4, 30)),
    (D(1962, 6, 30), MALE, (60, 6), D(2022, 12, 31)),
    # 2023 60y9m: 07/1962-03/1963; 2024 61y: 04/1963-12/1963
    (D(1962, 7, 1), MALE, (60, 9), D(2023, 4, 30)),
    (D(1963, 4, 15), MALE, (61, 0), D(2024, 4, 30)),
    # 2025 61y3m: 01/1964-09/1964; 2026 61y6m: 10/1964-06/1965
    (D(1964, 1, 31), MALE, (61, 3), D(2025, 4, 30)),
    (D(1965, 6, 10), MALE, (61, 6), D(2026, 12, 31)),
    # 2027 61y9m: 07/1965-03/1966; from 2028 62y: 04/1966 on
    (D(1966, 3, 31), MALE, (61, 9), D(2027, 12, 31)),
    (D(1966, 4, 1), MALE, (62, 0), D(2028, 4, 30)),
    (D(1980, 2, 29), MALE, (62, 0), D(2042, 2, 28)),
    # women: 2021 55y4m: 01/1966-08/1966; 2022 55y8m: 09/1966-04/1967
    (D(1966, 1, 5), FEMALE, (55, 4), D(2021, 5, 31)),
    (D(1966, 8, 31), FEMALE, (55, 4), D(2021, 12, 31)),
    (D(1966, 9, 1), FEMALE, (55, 8), D(2022, 5, 31)),
    (D(1967, 4, 30), FEMALE, (55, 8), D(2022, 12, 31)),
    # 2023 56y: 05/1967-12/1967; 2026 57y: 05/1969-12/1969; 2027 57y4m: 01/1970-08/1970
    (D(1967, 5, 1), FEMALE, (56, 0), D(2023, 5, 31)),
    (D(1969, 12, 25), FEMALE, (57, 0), D(2026, 12, 31)),
    (D(1970, 8, 8), FEMALE, (57, 4), D(2027, 12, 31)),
    # 2028 57y8m: 09/1970-04/1971; 2034 59y8m: 09/1974-04/1975; from 2035 60y: 05/1975 on
    (D(1970, 9, 1), FEMALE, (57, 8), D(2028, 5, 31)),
    (D(1975, 4, 30), FEMALE, (59, 8), D(2034, 12, 31)),
    (D(1975, 5, 1), FEMALE, (60, 0), D(2035, 5, 31)),
    # before 2021 (BLLĐ 2012 Điều 187): 60 and 55
    (D(1960, 5, 10), MALE, (60, 0), D(2020, 5, 31)),
    (D(1965, 12, 1), FEMALE, (55, 0), D(2020, 12, 31)),
])
def test_the_retirement_date_follows_the_decree_s_table(born, sex, age, last_day):
    found = retirement(born, sex)
    assert (found.age_label, found.last_day) == (age, last_day)
    assert retirement_date(born, sex) == last_day
    # Điều 3 khoản 2: the pension from the first day of the next month
    assert found.pension_from == last_day + datetime.timedelta(days=1)
    assert found.pension_from.day == 1


def test_the_roadmap_steps_three_and_four_months_a_year_to_62_and_60():
    assert [required_months(MALE, year) for year in range(2020, 2030)] == [
        720, 723, 726, 729, 732, 735, 738, 741, 744, 744]
    assert required_months(FEMALE, 2021) == 55 * 12 + 4
    assert required_months(FEMALE, 2034) == 59 * 12 + 8
    assert required_months(FEMALE, 2035) == required_months(FEMALE, 2050) == 720


def test_an_unknown_birth_date_or_sex_gives_no_date():
    assert retirement_date(None, MALE) is None
    assert retirement_date(D(1970, 1, 1), "") is None
