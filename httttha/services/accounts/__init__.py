"""Staff accounts: logins and sessions, password reset, the roles' ACLs
applied on tree events."""
