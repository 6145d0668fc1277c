class Task:
    def __call__(self, config):
        print(config["epochs"])
