# intends: ROB-01
# kernel: debug
# report: lockdep
# what: closing the device runs a deferred reset through mtty_state_mutex_unlock(), which
#   unlocks state_mutex that close never took (bad unlock balance at the first close of the
#   device: in the preflight, before the first case)
/^static void mtty_close/,/^}/ s/^\tmtty_disable_msi(mdev_state);/&\n\tmtty_state_mutex_unlock(mdev_state);/
