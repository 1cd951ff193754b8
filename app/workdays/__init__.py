"""The working-day calendar: which days are working days in Vietnam (weekends, public
holidays with Tết by the lunar calendar, and the days off and make-up working days the
government announces each year), and the one function every deadline uses."""
