"""The citizen portal's services: guidance and FAQ, the satisfaction
survey, the completed dossiers and the agency page's summary."""
