"""The benchmark, apart from the application: the generator of realistic
dossiers (:mod:`.data`, ``httttha-bench-data``) and the runner
(:mod:`.run`, ``python -m httttha.scripts.bench``) with its server
process, clients, measurements and report.  Results go to the
repository's ``bench/results/``."""
