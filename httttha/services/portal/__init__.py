"""The citizen portal's services (guidance, survey, completed dossiers)."""
