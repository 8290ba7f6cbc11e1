"""What citizens do with a dossier: drafts and submission, uploads,
CAPTCHA, dossier codes, lookup and supplement (A1-A3)."""
