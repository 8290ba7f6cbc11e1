"""The names of httttha's permissions: what views, property sheets and
workflow transitions ask for.  Which role holds which is in
``services.roles``; content and workflows name them from here."""

VIEW = 'httttha.view'                  # open an agency in the back office
WORK = 'httttha.work'                  # the workspace (Bàn làm việc)
VIEW_DOSSIERS = 'httttha.view-dossiers'
PROCESS = 'httttha.process'            # receive, check, answer dossiers
DRAFT = 'httttha.draft'                # draft a reply for a leader
ASSIGN = 'httttha.assign'
APPROVE = 'httttha.approve'
VIEW_STATS = 'httttha.view-stats'
MANAGE_AGENCY = 'httttha.manage-agency'
MANAGE_USERS = 'httttha.manage-users'
EDIT_GUIDANCE = 'httttha.edit-guidance'
MANAGE_REPORTS = 'httttha.manage-reports'
MANAGE_CODELISTS = 'httttha.manage-codelists'
MANAGE_SITE = 'httttha.manage-site'    # the site's settings (footer contacts)
MANAGE_TREE = 'httttha.manage-tree'    # agencies' codes and levels
EDIT_ACCOUNT = 'httttha.edit-account'  # an account's e-mail, zone, language
