"""Content types, one module each."""


def includeme(config):
    config.include('.site')
    config.include('.dossier')
    config.include('.user')
