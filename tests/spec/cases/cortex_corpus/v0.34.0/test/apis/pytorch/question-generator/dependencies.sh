# torchvision isn’t required for this example, and pip was throwing warnings with it installed
pip uninstall torchvision -y
