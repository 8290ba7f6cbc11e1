"""Workflows, one module each (dossier, petition, report)."""


def includeme(config):
    config.include('.dossier')
