"""Packaging for zhanqun (站群), a platform for consolidated government websites."""
from setuptools import find_packages, setup

setup(
    name="zhanqun",
    version="0.1.0",
    description="Consolidated government websites: one Flask core, many tenant sites",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.11",
    packages=find_packages(include=["zhanqun", "zhanqun.*"]),
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
    ],
    extras_require={
        "postgres": ["psycopg[binary]>=3.2,<4"],
        "redis": ["redis>=5"],
        "server": ["gunicorn>=22"],
        "dev": [
            "pytest>=8",
            "pytest-xdist>=3.5",
            "psycopg[binary]>=3.2,<4",
            "redis>=5",
        ],
    },
    entry_points={"console_scripts": ["zhanqun = zhanqun.platform.cli:main"]},
)
