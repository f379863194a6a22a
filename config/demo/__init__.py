"""The demo data set behind `manage.py seed_demo`: staff accounts, the catalogue, two sites with
their resources, customers with vehicles and bookings in every state, all made through the apps'
use cases (the lower apps through their `public` modules), found again by natural keys on the
next run. Not a command module: the command parses arguments and prints; this does the work."""
