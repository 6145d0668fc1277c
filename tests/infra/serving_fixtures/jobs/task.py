"""A task in Cortex v0.32's interface, for the jobs plan's bundle."""


class Task:
    def __call__(self, config: dict[str, object]) -> None:
        print(config["epochs"])
