# intends: ERR-01
# what: a deferred reset disables the files but leaves the migration state where it was
/mdev_state->deferred_reset = false;/,/mtty_disable_files/ s/^\t\tmdev_state->state = VFIO_DEVICE_STATE_RUNNING;/\t\t;/
