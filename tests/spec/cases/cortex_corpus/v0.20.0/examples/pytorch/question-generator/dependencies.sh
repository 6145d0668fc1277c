# this is an example for cortex release 0.20 and may not deploy correctly on other releases of cortex

# torchvision isn’t required for this example, and pip was throwing warnings with it installed
pip uninstall torchvision -y
