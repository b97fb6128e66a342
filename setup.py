"""Install dendriteei; the NMODL sources in mod/ ship inside the package as dendriteei/mod_src/."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


class BuildPyWithMod(build_py):
    """Copy mod/*.mod into the built package so a non-editable install can compile them."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "dendriteei" / "mod_src"
        target.mkdir(parents=True, exist_ok=True)
        for mod_file in sorted((HERE / "mod").glob("*.mod")):
            shutil.copy2(mod_file, target / mod_file.name)


setup(cmdclass={"build_py": BuildPyWithMod})
