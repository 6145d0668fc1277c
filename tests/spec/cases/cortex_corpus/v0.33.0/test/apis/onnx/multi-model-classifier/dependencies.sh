# install opencv dependencies
apt update && apt install libsm6 libxext6 libxrender-dev -y
