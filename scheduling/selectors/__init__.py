"""Reads of scheduling: sites (sites.py), the calendars the engine works on (calendars.py), the
availability questions (availability.py, suggest.py) and what a service needs (requirements.py)."""
