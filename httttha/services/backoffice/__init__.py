"""What staff do with dossiers: the workspace and its scope, the officer's
steps, petitions, working-day deadlines and the handover to the
case-management software (B2-B11)."""
