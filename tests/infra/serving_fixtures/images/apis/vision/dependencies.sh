#!/bin/bash
apt-get update && apt-get install -y --no-install-recommends libgl1
