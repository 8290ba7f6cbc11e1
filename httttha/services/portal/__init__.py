"""The citizen portal's services: guidance and FAQ, the satisfaction
survey, the completed dossiers."""
