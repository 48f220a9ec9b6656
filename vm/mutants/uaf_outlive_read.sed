# intends: ROB-01
# kernel: debug
# report: kasan
# what: a save read looks at its device (migf->mdev_state->state) before it checks that the
#   session is disabled: a save fd that outlives its removed device reads freed memory (use-after-free on the data fd's ENODEV path, ROB-03's rob.outlive)
/^static ssize_t mtty_save_read/,/^}/ s/^\tif (migf->disabled) {/\tif (migf->mdev_state->state == VFIO_DEVICE_STATE_ERROR || migf->disabled) {/
