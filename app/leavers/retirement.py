"""The statutory retirement date under normal working conditions (no Flask, no database).

Bộ luật Lao động 2019, Điều 169 khoản 2, and Nghị định 135/2020/NĐ-CP:

- Điều 4 khoản 1: from 2021 the retirement age is 60 years 3 months for men and 55 years
  4 months for women, then 3 months more a year for men and 4 months more a year for
  women, until 62 for men in 2028 and 60 for women in 2035. The age applies to the
  calendar year in which the person reaches it (Phụ lục I lists, for each year, the
  months of birth that retire in it).
- Điều 3 khoản 1: the moment of retirement is the end of the last day of the month in
  which the person reaches the retirement age; khoản 2: the pension starts on the first
  day of the next month; khoản 3: a record with the year of birth only counts from
  01/01 of that year (the record's ngay_sinh is always a full date). Điều 5 and 6 are
  retirement at a lower and a higher age.
- Before 2021 (Bộ luật Lao động 2012, Điều 187): 60 for men, 55 for women.

Phụ lục I, the rows this implements (and tests/leavers/test_retirement.py checks):

  men   2021 60y3m  born 01/1961-09/1961 | women 2021 55y4m  born 01/1966-08/1966
        2022 60y6m       10/1961-06/1962 |       2022 55y8m       09/1966-04/1967
        2023 60y9m       07/1962-03/1963 |       2023 56y         05/1967-12/1967
        2024 61y         04/1963-12/1963 |       2024 56y4m       01/1968-08/1968
        2025 61y3m       01/1964-09/1964 |       2025 56y8m       09/1968-04/1969
        2026 61y6m       10/1964-06/1965 |       2026 57y         05/1969-12/1969
        2027 61y9m       07/1965-03/1966 |       2027 57y4m       01/1970-08/1970
        2028+ 62y        04/1966 on      |       2028 57y8m       09/1970-04/1971
                                         |       2029 58y         05/1971-12/1971
                                         |       2030 58y4m       01/1972-08/1972
                                         |       2031 58y8m       09/1972-04/1973
                                         |       2032 59y         05/1973-12/1973
                                         |       2033 59y4m       01/1974-08/1974
                                         |       2034 59y8m       09/1974-04/1975
                                         |       2035+ 60y        05/1975 on

Retiring earlier or later (Điều 5 and 6: reduced capacity, hard or remote work, high
expertise) is decided person by person; the forecast does not know it.
"""
import calendar
import datetime
from dataclasses import dataclass

MALE, FEMALE = "nam", "nu"       # the record's gioi_tinh (app/records/form.py GENDERS)
ROADMAP = {
    # sex: (age in months until 2020, months added each year from 2021, final age)
    MALE: (60 * 12, 3, 62 * 12),
    FEMALE: (55 * 12, 4, 60 * 12),
}
FIRST_STEP_YEAR = 2021


def required_months(sex, year):
    """The retirement age in months for someone reaching it in ``year`` (NĐ 135 Điều 4.1)."""
    base, step, final = ROADMAP[sex]
    if year < FIRST_STEP_YEAR:
        return base
    return min(base + step * (year - FIRST_STEP_YEAR + 1), final)


@dataclass(frozen=True)
class Retirement:
    age_months: int          # the age that applies, in months
    last_day: datetime.date  # the retirement moment: the end of this day (Điều 3.1)

    @property
    def pension_from(self):
        """The first day of the next month (Điều 3.2): retired from this day."""
        return self.last_day + datetime.timedelta(days=1)

    @property
    def age_label(self):
        years, months = divmod(self.age_months, 12)
        return (years, months)


def retirement(birth_date, sex):
    """The person's Retirement, or None when the birth date or sex is not known."""
    if birth_date is None or sex not in ROADMAP:
        return None
    born = birth_date.year * 12 + birth_date.month - 1        # months since year 0
    # the first calendar year in which the person reaches the age that year requires
    for year in range(birth_date.year + 50, birth_date.year + 70):
        reached = born + required_months(sex, year)
        if reached // 12 <= year:
            reached_year, month0 = divmod(reached, 12)
            last = calendar.monthrange(reached_year, month0 + 1)[1]
            return Retirement(required_months(sex, year),
                              datetime.date(reached_year, month0 + 1, last))
    return None  # not reached: the loop covers every roadmap age


def retirement_date(birth_date, sex):
    """The last day of the month in which the person reaches the retirement age (they
    are retired from the next day, NĐ 135/2020 Điều 3), or None when unknown."""
    found = retirement(birth_date, sex)
    return found.last_day if found else None
