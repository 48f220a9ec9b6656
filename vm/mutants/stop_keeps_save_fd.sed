# intends: SAVE-03
# what: leaving the saving group (STOP_COPY->STOP, PRE_COPY->RUNNING) leaves the save file enabled
/new == VFIO_DEVICE_STATE_RUNNING_P2P) ||$/,/return NULL;/ s/^\t\tmtty_disable_files(mdev_state);/\t\t;/
