"""This repository's own Pulumi project: the packaged program, as in every user project."""

from infra.program import main

main()
