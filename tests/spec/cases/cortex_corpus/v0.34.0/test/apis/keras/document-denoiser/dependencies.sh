apt-get update && apt-get install -y libsm6 libxext6 libxrender-dev
