#!/usr/bin/env bash
# `make local`: provision this workstation with Deskmeter.
#
#   1. a virtualenv with Ansible (the `ansible` package: ansible-core and the collections) in
#      ~/.local/share/deskmeter/ansible-venv (DESKMETER_ANSIBLE_VENV), made once;
#   2. ansible-playbook local.yml from the repository root, as you (no root), with any extra
#      arguments passed on, e.g.  scripts/local.sh -e deskmeter_web_port=8800
#      or                         scripts/local.sh -K -e deskmeter_store=mongodb   (asks for sudo)
#
# Needs python3 (3.11+) with venv (Debian/Ubuntu: sudo apt install python3-venv) and internet
# access to the Python package index. Settings: inventory/group_vars/workstation.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${DESKMETER_ANSIBLE_VENV:-${XDG_DATA_HOME:-$HOME/.local/share}/deskmeter/ansible-venv}
python=${PYTHON:-python3}
ansible_spec=${DESKMETER_ANSIBLE_SPEC:-ansible>=12,<13}
say() { printf '==> %s\n' "$*" >&2; }

if ! "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  say "$python is missing, older than 3.11, or has no venv/ensurepip."
  say "Debian/Ubuntu: sudo apt install python3 python3-venv   Fedora: sudo dnf install python3"
  exit 1
fi
if [[ ! -x $venv/bin/ansible-playbook ]]; then
  say "installing Ansible into $venv (once)"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q "$ansible_spec"
fi
say "ansible-playbook local.yml $*"
exec "$venv/bin/ansible-playbook" local.yml "$@"
