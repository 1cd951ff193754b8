"""Scheduled jobs (issue 19): each runs once per period, whatever the number of runners."""
