"""Packaging for zhanqun (站群), a platform for consolidated government websites."""
import glob
import os

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    """Compile the Babel catalogues (.po → .mo) into the build, so an installed package speaks Chinese."""

    def run(self):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        super().run()
        for po_path in glob.glob("zhanqun/translations/*/LC_MESSAGES/*.po"):
            with open(po_path, "rb") as fh:
                catalogue = read_po(fh)
            target = os.path.join(self.build_lib, po_path[:-3] + ".mo")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as fh:
                write_mo(fh, catalogue)

setup(
    name="zhanqun",
    version="0.1.0",
    description="Consolidated government websites: one Flask core, many tenant sites",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.11",
    # Namespace discovery: template, static and migration folders hold package data without an
    # __init__.py, and setuptools warns about every such folder unless it is listed as a package.
    packages=find_namespace_packages(include=["zhanqun", "zhanqun.*"], exclude=["*.__pycache__"]),
    include_package_data=True,
    zip_safe=False,
    install_requires=[
        "Flask>=3.1,<3.2",
        "Flask-SQLAlchemy>=3.1,<3.2",
        "SQLAlchemy>=2.0,<2.2",
        "Flask-Migrate>=4.1,<5",
        "alembic>=1.13",
        "Flask-Login>=0.6.3,<0.7",
        "Flask-Babel>=4.0,<5",
        "Flask-WTF>=1.2,<2",
        "marshmallow>=3.20,<5",
        "argon2-cffi>=23.1",
        "limits>=3.13,<6",
        "click>=8.1",
        "nh3>=0.3",
        "pillow>=10",
        "olefile>=0.46",
        "segno>=1.6",
        "apispec>=6.6",
        "httpx>=0.27",
    ],
    extras_require={
        "postgres": ["psycopg[binary]>=3.2,<4"],
        "redis": ["redis>=5"],
        "server": ["gunicorn>=22"],
        "dev": [
            "pytest>=8",
            "psycopg[binary]>=3.2,<4",
            "redis>=5",
            "gunicorn>=22",
            "feedparser>=6.0",
            "openapi-spec-validator>=0.7",
            "playwright>=1.45",
            "zxing-cpp>=2.2",
            "ruff>=0.6",
        ],
    },
    entry_points={"console_scripts": ["zhanqun = zhanqun.platform.cli:main"]},
    cmdclass={"build_py": BuildWithCatalogues},
)
