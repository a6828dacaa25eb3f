# Sourced by the scripts, not run: picks the Python and its virtual environment.
#   PYTHON unset                python3, in .venv
#   PYTHON=python3.13 (a path)  that interpreter, in .venv-3.13: one venv per Python version
python="${PYTHON:-python3}"
if ! version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); then
    echo "cannot run $python: install Python >= 3.10, or set PYTHON to an interpreter" >&2
    exit 1
fi
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || { echo "masko-widgets needs Python >= 3.10; $python is $version" >&2; exit 1; }
venv=.venv
[ -z "${PYTHON:-}" ] || venv=".venv-$version"
