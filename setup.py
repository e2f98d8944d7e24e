"""Packaging: the repository's top-level folders ship as one package, `papertrail`.

The repository keeps `pipelines/`, `assets/`, `sql/`, `expectations/` and `dagster.yaml` at its
top level; installed (wheel or `pip install -e`) they are `papertrail.pipelines`,
`papertrail.assets` and the package data `papertrail/sql`, `papertrail/expectations`,
`papertrail/dagster.yaml`, so nothing generic like `pipelines` lands in site-packages. Code finds
the data through `papertrail.pipelines.paths`. Everything else is declared in pyproject.toml.
"""
from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

CODE = find_packages(include=["pipelines", "pipelines.*", "assets", "assets.*"])
DATA = ["*.tsv", "*.json", "*.yaml", "*.csv", "*.txt"]  # data files beside the code



class BuildPy(build_py):
    def find_package_modules(self, package, package_dir):
        # `papertrail` itself is the repository's top level: data only, never its setup.py
        modules = super().find_package_modules(package, package_dir)
        return [] if package == "papertrail" else modules


setup(
    cmdclass={"build_py": BuildPy},
    package_dir={"papertrail": "."},
    packages=["papertrail", *(f"papertrail.{name}" for name in CODE)],
    include_package_data=False,
    package_data={
        "papertrail": ["dagster.yaml", "dagster.postgres.yaml", "sql/*.sql", "sql/*.yaml",
                       "sql/queries/*.sql", "expectations/*.json"],
        **{f"papertrail.{name}": DATA for name in CODE},
    },
)
