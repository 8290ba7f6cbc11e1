"""The citizen portal's public lists and pages (completed dossiers,
guidance, survey)."""
