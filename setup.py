from setuptools import setup, find_packages

requires = [
    'setuptools',
    'pyramid',
    'substanced',
    'mock',  # substanced's startup scan imports its own test modules
    'pyramid_tm',
    'pyramid_retry',
    'pyramid_chameleon',
    'pyramid_mailer',
    'pyramid_zodbconn',
    'deform',
    'colander',
    'ZODB',
    'zodburi',
    'RelStorage[postgresql]',
    'psycopg2-binary',
    'waitress',
    'Unidecode',
    'PyYAML',
    'repoze.lru',        # per-process caches of rendered forms
    'holidays',
    'reportlab',
    'rl-accel',          # reportlab's C speed-ups (PDF rendering)
    'fontpkg-be-vietnam-pro',
    'Babel',
    'captcha',
    'pygal',             # the statistics charts, as SVG drawn on the server
    'XlsxWriter',        # Excel exports of lists (users, audit trail)
    'nh3',               # sanitises the web editors' rich text (guidance, FAQ)
    'python-magic',  # needs libmagic1 (installed by `make` when missing)
]

tests_require = [
    'pytest',
    'WebTest',
    'beautifulsoup4',
    'aiosmtpd',
    'playwright',
    'axe-playwright-python',  # axe-core (bundled) run in the browser tests
    'pypdf',
    'time-machine',  # the date-sensitive tests run at frozen instants
    'openpyxl',  # reads the Excel exports in tests
    'WSGIProxy2',  # WebTest through nginx to real processes (deploy test)
]

setup(
    name='httttha',
    version='0.1.0',
    description='Hỗ trợ trực tuyến thi hành án dân sự',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    license='AGPL-3.0-or-later',
    packages=find_packages(exclude=['tests', 'tests.*']),
    include_package_data=True,
    package_data={'httttha': [
        'templates/*/*.pt', 'templates/*/*.txt', 'templates/*.pt',
        'static/*', 'static/*/*', 'locale/*/LC_MESSAGES/*', 'data/*',
        'data/captcha-voice/*/*.wav',
    ]},
    zip_safe=False,
    python_requires='>=3.11',
    install_requires=requires,
    extras_require={'test': tests_require},
    entry_points={
        'paste.app_factory': ['main = httttha:main'],
        'console_scripts': [
            'httttha-load-agencies = httttha.scripts.load_agencies:main',
            'httttha-demo-data = httttha.scripts.demo_data:main',
            'httttha-send-mail = httttha.scripts.send_mail:main',
            'httttha-deadline-digest = httttha.scripts.deadline_digest:main',
            'httttha-report-reminders = httttha.scripts.report_reminders:main',
            'httttha-handover = httttha.scripts.handover:main',
            'httttha-bench-data = httttha.scripts.bench_data:main',
            'httttha-audit-sweep = '
            'httttha.scripts.audit_sweep:main',
            'httttha-bench-audit = httttha.bench.audit:main',
            'httttha-backup = httttha.scripts.backup:main',
            'httttha-restore = httttha.scripts.backup:restore_main',
        ],
    },
)
