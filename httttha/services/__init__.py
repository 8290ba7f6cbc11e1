"""Business logic behind interfaces, tested without HTTP."""


def includeme(config):
    config.include('.notifications')
    config.include('.backoffice.casemanagement')
    config.include('.administration.audit')
