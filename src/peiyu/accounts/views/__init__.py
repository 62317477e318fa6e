"""Pages of the accounts app, one module per sub-area (signin, passwords, signups, users, staff,
imports); urls.py lists them."""
