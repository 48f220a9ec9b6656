# intends: ROB-01
# kernel: debug
# report: lockdep
# what: PRECOPY_INFO's wrong-state error path unlocks the file's lock (migf->lock), which it
#   has not taken yet (bad unlock balance on a data-fd error path)
/mdev_state->state != VFIO_DEVICE_STATE_PRE_COPY_P2P) {/,/goto unlock;/ s/^\t\tret = -EINVAL;/\t\tmutex_unlock(\&migf->lock);\n&/
