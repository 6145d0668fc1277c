apt-get update && apt-get install -y libgl1-mesa-glx libegl1-mesa
