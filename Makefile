.PHONY: test local lint help

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

test:  ## install what the tests need (as root) and run every test
	./scripts/test.sh $(ARGS)

local:  ## provision this workstation: Ansible in a virtualenv, then ansible-playbook local.yml (ARGS=...)
	./scripts/local.sh $(ARGS)
