"""httttha-bench-data <ini> --dossiers N: fill the benchmark database
with N realistic dossiers (reused when it already holds N), then the
periodic reports of every Cục (12 a reporting year for 5 years: those
missing are added)."""
import argparse
import sys

import transaction
from pyramid.paster import bootstrap, setup_logging

from ..bench import data as benchdata
from . import close


def main(argv=None):
    parser = argparse.ArgumentParser(prog='httttha-bench-data',
                                     description=__doc__.split('\n')[0])
    parser.add_argument('config_uri')
    parser.add_argument('--dossiers', type=int, required=True,
                        help='how many dossiers the database should hold')
    parser.add_argument('--seed', type=int, default=benchdata.DEFAULT_SEED)
    parser.add_argument('--batch', type=int, default=25000,
                        help='dossiers per transaction')
    parser.add_argument('--no-reports', action='store_true',
                        help='leave the periodic reports out')
    parser.add_argument('--report-years', type=int,
                        default=benchdata.REPORT_YEARS,
                        help='complete reporting years of reports per Cục')
    parser.add_argument('--profile', metavar='FILE',
                        help='write a cProfile of the run to FILE')
    args = parser.parse_args(argv)
    setup_logging(args.config_uri)
    env = bootstrap(args.config_uri)
    try:
        def run():
            def log(text):
                print(text, flush=True)
            added = benchdata.generate(
                env['root'], env['registry'], env['request'], args.dossiers,
                seed=args.seed, batch=args.batch, log=log)
            if not args.no_reports:
                benchdata.generate_reports(
                    env['root'], env['registry'],
                    seed=benchdata.bench_state(env['root'])['seed'],
                    years=args.report_years, log=log)
            return added
        if args.profile:
            import cProfile
            profiler = cProfile.Profile()
            profiler.runcall(run)
            profiler.dump_stats(args.profile)
        else:
            run()
    except BaseException:
        transaction.abort()
        raise
    finally:
        close(env)
    return 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
